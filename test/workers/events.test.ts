import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import { createNote } from "../../src/routes/notes/notes.service.ts";
import { runScheduledMaintenance } from "../../src/scheduled.ts";
import { apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer } from "../helpers/auth.ts";
import { runSql } from "../helpers/db.ts";
import { eventPage, followEvents, withDatabase } from "../helpers/events.ts";
import { noteClient } from "../helpers/notes.ts";

describe("event log: written with the change", () => {
  it("a rolled-back write leaves no event", async () => {
    const client = await noteClient();
    const userId = client.user.tokens.user.id;
    await expect(
      withDatabase((db) =>
        db.transaction(async (tx) => {
          await createNote(
            tx,
            userId,
            {
              title: "never",
              content: "",
              tags: [],
              pinned: false,
              archived: false,
            },
            { credential: "session", credentialId: null },
          );
          throw new Error("roll back");
        }),
      ),
    ).rejects.toThrow("roll back");
    const rows = await runSql(sql`SELECT count(*)::int AS n FROM events WHERE account_id = ${userId}`);
    expect(rows[0]?.n).toBe(0);
    // The committed twin of the same write does record one, in the same transaction id.
    const note = await client.create({ title: "kept" });
    const [pair] = await runSql<{ note_tx: string; event_tx: string }>(
      sql`SELECT n.xmin::text AS note_tx, (e.tx_id::text::bigint % 4294967296)::text AS event_tx
          FROM notes n JOIN events e ON e.resource_id = n.id::text WHERE n.id = ${note.id}`,
    );
    expect(pair?.event_tx).toBe(pair?.note_tx);
  });

  it("a refused conditional write (412) records nothing", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "v1" });
    const stale = await client.send("PATCH", `/notes/${note.id}`, { title: "x" }, { "If-Match": '"v9"' });
    await expectProblem(stale, 412, "precondition-failed");
    const { items } = await eventPage(client);
    expect(items.map((event) => event.type)).toEqual(["note.created"]);
  });
});

describe("GET /events", () => {
  it("resumes across pages in order, and from the last cursor sees only what came after", async () => {
    const client = await noteClient();
    const created: Note[] = [];
    for (let i = 0; i < 7; i += 1) created.push(await client.create({ title: `n${i}` }));
    const first = await followEvents(client, undefined, 3);
    expect(first.pages).toBe(3);
    expect(first.events.map((event) => event.resource.id)).toEqual(created.map((note) => note.id));
    expect(new Set(first.events.map((event) => event.id)).size).toBe(7);
    await client.send("PATCH", `/notes/${created[2]?.id}`, { pinned: true });
    const later = await followEvents(client, first.cursor, 3);
    expect(later.events).toMatchObject([
      { type: "note.updated", resource: { type: "note", id: created[2]?.id }, data: { version: 2 } },
    ]);
    // Caught up: the same cursor again returns nothing new.
    expect((await followEvents(client, later.cursor, 3)).events).toEqual([]);
  });

  it("lets a client mirror its notes exactly, deletions included", async () => {
    const client = await noteClient();
    const mirror = new Map<string, { version: number; trashed: boolean }>();
    let cursor: string | undefined;
    const sync = async () => {
      const step = await followEvents(client, cursor, 2);
      cursor = step.cursor;
      for (const event of step.events) {
        if (event.type === "note.purged") {
          mirror.delete(event.resource.id);
          continue;
        }
        const response = await client.get(`/notes/${event.resource.id}`);
        if (response.status === 404) continue; // purged later in the log
        const note = (await response.json()) as Note;
        mirror.set(note.id, { version: note.version, trashed: note.deleted_at !== null });
      }
    };
    const a = await client.create({ title: "a" });
    const b = await client.create({ title: "b" });
    const c = await client.create({ title: "c" });
    const d = await client.create({ title: "d" });
    await sync();
    await client.send("PATCH", `/notes/${a.id}`, { content: "edited" });
    await client.send("DELETE", `/notes/${b.id}`);
    await client.send("DELETE", `/notes/${c.id}`);
    await client.send("DELETE", `/notes/${c.id}?permanent=true`);
    await client.send("DELETE", `/notes/${d.id}`);
    await client.send("POST", `/notes/${d.id}/restore`);
    await sync();
    await client.send("DELETE", `/notes/${a.id}`);
    expect((await client.send("DELETE", "/trash")).status).toBe(200);
    await client.create({ title: "e" });
    await sync();
    const truth = await runSql<{ id: string; version: number; trashed: boolean }>(
      sql`SELECT id, version, deleted_at IS NOT NULL AS trashed FROM notes WHERE user_id = ${client.user.tokens.user.id}`,
    );
    expect(new Map(truth.map((row) => [row.id, { version: row.version, trashed: row.trashed }]))).toEqual(
      mirror,
    );
    expect(mirror.has(c.id)).toBe(false);
    expect(mirror.has(a.id)).toBe(false);
  });

  it("never shows another account's events, and refuses its cursor", async () => {
    const alice = await noteClient();
    const bob = await noteClient();
    await alice.create({ title: "alice's" });
    await bob.create({ title: "bob's" });
    const seen = await followEvents(bob, undefined, 50);
    expect(seen.events).toHaveLength(1);
    const bobsNotes = await runSql<{ id: string }>(
      sql`SELECT id::text AS id FROM notes WHERE user_id = ${bob.user.tokens.user.id}`,
    );
    expect(seen.events[0]?.resource.id).toBe(bobsNotes[0]?.id);
    const reuse = await alice.get(`/events?cursor=${encodeURIComponent(seen.cursor)}`);
    await expectProblem(reuse, 400, "bad-request");
  });

  it("filters by type, and a cursor is bound to its filter", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "typed" });
    await client.send("DELETE", `/notes/${note.id}`);
    const trashed = await eventPage(client, "types=note.trashed,note.purged");
    expect(trashed.items.map((event) => event.type)).toEqual(["note.trashed"]);
    const other = await client.get(
      `/events?types=note.created&cursor=${encodeURIComponent(trashed.next_cursor)}`,
    );
    await expectProblem(other, 400, "bad-request");
    await expectProblem(await client.get("/events?types=note.eaten"), 422, "validation-failed");
  });

  it("cursor=now starts at the end of the log", async () => {
    const client = await noteClient();
    await client.create({ title: "before" });
    const now = await eventPage(client, "cursor=now");
    expect(now.items).toEqual([]);
    await client.create({ title: "after" });
    const after = await followEvents(client, now.next_cursor, 10);
    expect(after.events).toHaveLength(1);
  });

  it("answers 410 cursor-expired once a cursor is older than retention", async () => {
    const client = await noteClient();
    await client.create({ title: "one" });
    await client.create({ title: "two" });
    const userId = client.user.tokens.user.id;
    await runSql(sql`UPDATE events SET created_at = now() - interval '3 days' WHERE account_id = ${userId}`);
    const withRetention = apiWithEnv({ EVENTS_RETENTION_DAYS: "3" });
    const get = (query: string) =>
      withRetention(`/events?${query}`, { headers: bearer(client.user.tokens.access_token) });
    const first = (await (await get("limit=1")).json()) as { next_cursor: string; has_more: boolean };
    expect(first.has_more).toBe(true);
    const expired = await get(`limit=1&cursor=${encodeURIComponent(first.next_cursor)}`);
    const problem = await expectProblem(expired, 410, "cursor-expired");
    expect(problem.detail).toContain("cursor=now");
  });

  it("the daily cron deletes events past retention", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "aging" });
    await runSql(
      sql`UPDATE events SET created_at = now() - interval '31 days' WHERE resource_id = ${note.id}`,
    );
    const result = await runScheduledMaintenance(env, "17 3 * * *");
    expect(result.events).toBeGreaterThanOrEqual(1);
    expect((await eventPage(client)).items).toEqual([]);
  });

  it("records note.purged for trash the cron purges", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "old" });
    await client.send("DELETE", `/notes/${note.id}`);
    await runSql(sql`UPDATE notes SET deleted_at = now() - interval '31 days' WHERE id = ${note.id}`);
    await runScheduledMaintenance(env, "17 3 * * *");
    const { items } = await eventPage(client);
    expect(items.map((event) => event.type)).toEqual(["note.created", "note.trashed", "note.purged"]);
  });
});
