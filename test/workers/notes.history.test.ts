import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { VERSIONS_KEPT_PER_NOTE } from "../../src/routes/notes/notes.retention.ts";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import type { NoteVersion, NoteVersionSummary } from "../../src/routes/notes/notes.versions.schemas.ts";
import { runScheduledMaintenance } from "../../src/scheduled.ts";
import { expectProblem } from "../helpers/api.ts";
import { runSql } from "../helpers/db.ts";
import { type NoteClient, noteClient } from "../helpers/notes.ts";

async function versionsOf(client: NoteClient, id: string, query = "limit=100") {
  const response = await client.get(`/notes/${id}/versions?${query}`);
  expect(response.status).toBe(200);
  return (await response.json()) as { items: NoteVersionSummary[]; next_cursor: string | null };
}

async function versionOf(client: NoteClient, id: string, n: number) {
  const response = await client.get(`/notes/${id}/versions/${n}`);
  expect(response.status).toBe(200);
  return (await response.json()) as NoteVersion;
}

const storedVersions = (id: string) =>
  runSql<{ count: number }>(sql`SELECT count(*)::int AS count FROM note_versions WHERE note_id = ${id}`);

describe("note history on every write path", () => {
  it("PATCH keeps the state it replaced, with who and when", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "first", content: "one\ntwo", tags: ["a"] });
    const patched = await client.send("PATCH", `/notes/${note.id}`, { content: "one\nTWO", tags: ["b"] });
    expect(patched.status).toBe(200);
    const { items } = await versionsOf(client, note.id);
    expect(items.map((v) => v.version)).toEqual([1]);
    const v1 = await versionOf(client, note.id, 1);
    expect(v1).toMatchObject({
      version: 1,
      title: "first",
      content: "one\ntwo",
      tags: ["a"],
      trashed: false,
    });
    expect(v1.author_id).toBe(client.user.tokens.user.id);
    expect(v1.edited_at).toBe(note.updated_at);
    expect(v1.replaced_at).not.toBeNull();
    // The current version is readable under its number too (a merge base a client may hold).
    expect((await versionOf(client, note.id, 2)).content).toBe("one\nTWO");
  });

  it("trash and restore from the trash each keep a version", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "t" });
    expect((await client.send("DELETE", `/notes/${note.id}`)).status).toBe(204);
    expect((await client.send("POST", `/notes/${note.id}/restore`)).status).toBe(200);
    const { items } = await versionsOf(client, note.id);
    expect(items.map((v) => [v.version, v.trashed])).toEqual([
      [2, true],
      [1, false],
    ]);
  });

  it("restoring a version brings back its text as a new version, itself kept in history", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "draft", content: "good", tags: ["x"] });
    await client.send("PATCH", `/notes/${note.id}`, {
      title: "oops",
      content: "bad",
      tags: [],
      pinned: true,
    });
    const restored = await client.send("POST", `/notes/${note.id}/versions/1/restore`, undefined, {
      "If-Match": '"v2"',
    });
    expect(restored.status).toBe(200);
    expect(restored.headers.get("ETag")).toBe('"v3"');
    expect(await restored.json()).toMatchObject({
      title: "draft",
      content: "good",
      tags: ["x"],
      pinned: true,
      version: 3,
    });
    expect((await versionsOf(client, note.id)).items.map((v) => v.version)).toEqual([2, 1]);
    expect((await versionOf(client, note.id, 2)).content).toBe("bad");
  });

  it("purging a note deletes its history with it", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "gone" });
    await client.send("PATCH", `/notes/${note.id}`, { content: "x" });
    await client.send("DELETE", `/notes/${note.id}`);
    expect((await storedVersions(note.id))[0]?.count).toBe(2);
    expect((await client.send("DELETE", `/notes/${note.id}?permanent=true`)).status).toBe(204);
    expect((await storedVersions(note.id))[0]?.count).toBe(0);
    await expectProblem(await client.get(`/notes/${note.id}/versions`), 404, "not-found");
  });

  it("a refused write keeps no version (412, wrong state, another user's note)", async () => {
    const client = await noteClient();
    const other = await noteClient();
    const note = await client.create({ title: "mine" });
    await client.send("PATCH", `/notes/${note.id}`, { title: "x" }, { "If-Match": '"v9"' });
    await other.send("PATCH", `/notes/${note.id}`, { title: "theirs" });
    await client.send("POST", `/notes/${note.id}/restore`);
    expect((await storedVersions(note.id))[0]?.count).toBe(0);
    await expectProblem(await other.get(`/notes/${note.id}/versions`), 404, "not-found");
    await expectProblem(await other.get(`/notes/${note.id}/versions/1`), 404, "not-found");
  });
});

describe("stale If-Match", () => {
  it("answers 412 with the current note and its version to merge into", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "shared", content: "a\nb" });
    await client.send("PATCH", `/notes/${note.id}`, { content: "a\nb\nc" });
    const stale = await client.send("PATCH", `/notes/${note.id}`, { content: "z" }, { "If-Match": '"v1"' });
    const problem = (await expectProblem(stale, 412, "precondition-failed")) as unknown as {
      current: Note;
      current_version: number;
    };
    expect(stale.headers.get("ETag")).toBe('"v2"');
    expect(problem.current_version).toBe(2);
    expect(problem.current).toMatchObject({ id: note.id, content: "a\nb\nc", version: 2 });
    // The base the client edited from is still there to merge against.
    expect((await versionOf(client, note.id, 1)).content).toBe("a\nb");
  });
});

describe("history retention", () => {
  it(`keeps the newest ${VERSIONS_KEPT_PER_NOTE} earlier versions of a note`, async () => {
    const client = await noteClient();
    const note = await client.create({ title: "busy" });
    const writes = VERSIONS_KEPT_PER_NOTE + 5;
    for (let i = 0; i < writes; i++) {
      expect((await client.send("PATCH", `/notes/${note.id}`, { content: `edit ${i}` })).status).toBe(200);
    }
    const kept = (
      await runSql<{ version: number }>(
        sql`SELECT version FROM note_versions WHERE note_id = ${note.id} ORDER BY version`,
      )
    ).map((row) => row.version);
    expect(kept.length).toBe(VERSIONS_KEPT_PER_NOTE);
    expect(kept[0]).toBe(writes + 1 - VERSIONS_KEPT_PER_NOTE);
    expect(kept.at(-1)).toBe(writes);
    await expectProblem(await client.get(`/notes/${note.id}/versions/1`), 404, "not-found");
    await expectProblem(await client.send("POST", `/notes/${note.id}/versions/1/restore`), 404, "not-found");
    // Pages walk the kept versions newest first, each exactly once.
    const first = await versionsOf(client, note.id, "limit=30");
    expect(first.next_cursor).not.toBeNull();
    const second = await versionsOf(client, note.id, `limit=30&cursor=${first.next_cursor}`);
    expect([...first.items, ...second.items].map((v) => v.version)).toEqual([...kept].reverse());
    expect(second.next_cursor).toBeNull();
  });

  it("the cron drops versions replaced longer ago than the age bound, and no others", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "aging" });
    await client.send("PATCH", `/notes/${note.id}`, { content: "1" });
    await client.send("PATCH", `/notes/${note.id}`, { content: "2" });
    await runSql(
      sql`UPDATE note_versions SET replaced_at = now() - interval '91 days' WHERE note_id = ${note.id} AND version = 1`,
    );
    const purged = await runScheduledMaintenance(env, "17 3 * * *");
    expect(purged.versions).toBeGreaterThanOrEqual(1);
    expect((await versionsOf(client, note.id)).items.map((v) => v.version)).toEqual([2]);
  });
});
