import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import { runScheduledMaintenance } from "../../src/scheduled.ts";
import { apiWithEnv, expectProblem } from "../helpers/api.ts";
import { runSql } from "../helpers/db.ts";
import { captureLogs, logEntries } from "../helpers/logs.ts";
import { noteClient, uniqueTag } from "../helpers/notes.ts";

describe("note lifecycle", () => {
  it("creates with 201, Location, ETag and normalised tags", async () => {
    const client = await noteClient();
    const response = await client.send("POST", "/notes", {
      title: "  Release checklist ",
      content: "- [ ] tag",
      tags: ["Ops", "ops", " Release "],
    });
    expect(response.status).toBe(201);
    const note = (await response.json()) as Note;
    expect(note).toMatchObject({
      title: "Release checklist",
      tags: ["ops", "release"],
      pinned: false,
      version: 1,
    });
    expect(note.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
    expect(response.headers.get("location")).toBe(`/notes/${note.id}`);
    expect(response.headers.get("etag")).toBe('"v1"');
    expect(note.deleted_at).toBeNull();
  });

  it("GET answers 304 to a matching If-None-Match and 200 once the note changed", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "cache me" });
    const cached = await client.get(`/notes/${note.id}`, { "If-None-Match": '"v1"' });
    expect(cached.status).toBe(304);
    expect(await cached.text()).toBe("");
    await client.send("PATCH", `/notes/${note.id}`, { pinned: true });
    const fresh = await client.get(`/notes/${note.id}`, { "If-None-Match": '"v1"' });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get("etag")).toBe('"v2"');
  });

  it("PATCH changes only the given fields and bumps version and updated_at", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "before", content: "body", tags: ["a"] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const response = await client.send("PATCH", `/notes/${note.id}`, { title: "after" });
    expect(response.status).toBe(200);
    const updated = (await response.json()) as Note;
    expect(updated).toMatchObject({ title: "after", content: "body", tags: ["a"], version: 2 });
    expect(Date.parse(updated.updated_at)).toBeGreaterThan(Date.parse(note.updated_at));
    expect(updated.created_at).toBe(note.created_at);
  });

  it("trash, restore, permanent delete and empty trash", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "doomed" });
    expect((await client.send("DELETE", `/notes/${note.id}`)).status).toBe(204);
    expect((await client.send("DELETE", `/notes/${note.id}`)).status).toBe(204);
    const trashed = (await (await client.get(`/notes/${note.id}`)).json()) as Note;
    expect(trashed.deleted_at).not.toBeNull();
    expect((await client.list("")).items.map((item) => item.id)).not.toContain(note.id);
    expect((await client.list("trashed=true")).items.map((item) => item.id)).toContain(note.id);

    await expectProblem(await client.send("PATCH", `/notes/${note.id}`, { title: "x" }), 409, "conflict");
    const restored = await client.send("POST", `/notes/${note.id}/restore`);
    expect(restored.status).toBe(200);
    expect(((await restored.json()) as Note).deleted_at).toBeNull();
    await expectProblem(await client.send("POST", `/notes/${note.id}/restore`), 409, "conflict");

    await expectProblem(await client.send("DELETE", `/notes/${note.id}?permanent=true`), 409, "conflict");
    await client.send("DELETE", `/notes/${note.id}`);
    expect((await client.send("DELETE", `/notes/${note.id}?permanent=true`)).status).toBe(204);
    await expectProblem(await client.get(`/notes/${note.id}`), 404, "not-found");

    const a = await client.create({ title: "a" });
    const b = await client.create({ title: "b" });
    const kept = await client.create({ title: "kept" });
    await client.send("DELETE", `/notes/${a.id}`);
    await client.send("DELETE", `/notes/${b.id}`);
    const emptied = await client.send("DELETE", "/trash");
    expect(await emptied.json()).toEqual({ purged: 2 });
    expect((await client.get(`/notes/${kept.id}`)).status).toBe(200);
    expect((await client.list("trashed=true")).total).toBe(0);
  });

  it("GET /tags counts the caller's tags outside the trash", async () => {
    const client = await noteClient();
    await client.create({ title: "1", tags: ["go", "rust"] });
    await client.create({ title: "2", tags: ["go"] });
    const gone = await client.create({ title: "3", tags: ["go", "zig"] });
    await client.send("DELETE", `/notes/${gone.id}`);
    const response = await client.get("/tags");
    expect(await response.json()).toEqual({
      items: [
        { tag: "go", count: 2 },
        { tag: "rust", count: 1 },
      ],
    });
  });

  it("keeps unicode, emoji and right-to-left text intact", async () => {
    const client = await noteClient();
    const title = "مرحبا 👋🏽 שלום 你好";
    const note = await client.create({ title, content: "e\u0301 — ‏RTL mark", tags: ["日本語", "😀"] });
    const fetched = (await (await client.get(`/notes/${note.id}`)).json()) as Note;
    expect(fetched.title).toBe(title);
    expect(fetched.tags).toEqual(["日本語", "😀"]);
  });
});

describe("ownership", () => {
  it("answers 404 for another user's note on every route, exactly like a missing one", async () => {
    const owner = await noteClient();
    const stranger = await noteClient();
    const note = await owner.create({ title: "private" });
    const missing = crypto.randomUUID();
    for (const id of [note.id, missing]) {
      await expectProblem(await stranger.get(`/notes/${id}`), 404, "not-found");
      await expectProblem(await stranger.send("PATCH", `/notes/${id}`, { title: "pwned" }), 404, "not-found");
      await expectProblem(await stranger.send("DELETE", `/notes/${id}`), 404, "not-found");
      await expectProblem(await stranger.send("POST", `/notes/${id}/restore`), 404, "not-found");
    }
    const stillMine = (await (await owner.get(`/notes/${note.id}`)).json()) as Note;
    expect(stillMine).toMatchObject({ title: "private", version: 1, deleted_at: null });
    expect((await stranger.list("")).total).toBe(0);
  });
});

describe("safe concurrent edits", () => {
  it("PATCH with a stale If-Match answers 412 and changes nothing", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "v1" });
    const first = await client.send(
      "PATCH",
      `/notes/${note.id}`,
      { title: "editor A" },
      { "If-Match": '"v1"' },
    );
    expect(first.status).toBe(200);
    const second = await client.send(
      "PATCH",
      `/notes/${note.id}`,
      { title: "editor B" },
      { "If-Match": '"v1"' },
    );
    await expectProblem(second, 412, "precondition-failed");
    expect(second.headers.get("etag")).toBe('"v2"');
    const current = (await (await client.get(`/notes/${note.id}`)).json()) as Note;
    expect(current.title).toBe("editor A");
  });

  it("of two simultaneous edits at the same version exactly one wins", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "race" });
    const results = await Promise.all(
      ["A", "B"].map((who) =>
        client.send("PATCH", `/notes/${note.id}`, { title: who }, { "If-Match": '"v1"' }),
      ),
    );
    expect(results.map((response) => response.status).sort()).toEqual([200, 412]);
    const current = (await (await client.get(`/notes/${note.id}`)).json()) as Note;
    expect(current.version).toBe(2);
  });

  it("DELETE with a stale If-Match answers 412 and keeps the note", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "keep" });
    await client.send("PATCH", `/notes/${note.id}`, { pinned: true });
    await expectProblem(
      await client.send("DELETE", `/notes/${note.id}`, undefined, { "If-Match": '"v1"' }),
      412,
      "precondition-failed",
    );
    await expectProblem(
      await client.send("DELETE", `/notes/${note.id}`, undefined, { "If-Match": '"other"' }),
      412,
      "precondition-failed",
    );
    expect(((await (await client.get(`/notes/${note.id}`)).json()) as Note).deleted_at).toBeNull();
    expect((await client.send("DELETE", `/notes/${note.id}`, undefined, { "If-Match": '"v2"' })).status).toBe(
      204,
    );
  });
});

describe("idempotent create", () => {
  it("returns the original note for a repeated key and body", async () => {
    const client = await noteClient();
    const key = crypto.randomUUID();
    const body = { title: "once", tags: ["x"] };
    const first = await client.send("POST", "/notes", body, { "Idempotency-Key": key });
    const second = await client.send("POST", "/notes", body, { "Idempotency-Key": key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const [a, b] = (await Promise.all([first.json(), second.json()])) as Note[];
    expect(b).toEqual(a);
    expect((await client.list("")).total).toBe(1);
  });

  it("rejects the same key with a different body (422) without creating", async () => {
    const client = await noteClient();
    const key = crypto.randomUUID();
    await client.send("POST", "/notes", { title: "one" }, { "Idempotency-Key": key });
    const reused = await client.send("POST", "/notes", { title: "two" }, { "Idempotency-Key": key });
    const problem = await expectProblem(reused, 422, "validation-failed");
    expect(problem.errors?.[0]?.path).toBe("header.idempotency-key");
    expect((await client.list("")).total).toBe(1);
  });

  it("creates one note for ten concurrent requests with one key", async () => {
    const client = await noteClient();
    const key = crypto.randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        client.send("POST", "/notes", { title: "burst" }, { "Idempotency-Key": key }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const ids = new Set(
      await Promise.all(
        responses.filter((r) => r.status === 201).map(async (r) => ((await r.json()) as Note).id),
      ),
    );
    expect(ids.size).toBe(1);
    expect((await client.list("")).total).toBe(1);
  });

  it("keys are per user", async () => {
    const key = crypto.randomUUID();
    const alice = await noteClient();
    const bob = await noteClient();
    const a = await alice.create({ title: "same" }, { "Idempotency-Key": key });
    const b = await bob.create({ title: "same" }, { "Idempotency-Key": key });
    expect(a.id).not.toBe(b.id);
  });
});

describe("retention", () => {
  it("the cron purges notes trashed over 30 days ago, and nothing else", async () => {
    const client = await noteClient();
    const old = await client.create({ title: "old trash" });
    const recent = await client.create({ title: "recent trash" });
    const live = await client.create({ title: "live" });
    await client.send("DELETE", `/notes/${old.id}`);
    await client.send("DELETE", `/notes/${recent.id}`);
    await runSql(sql`UPDATE notes SET deleted_at = now() - interval '31 days' WHERE id = ${old.id}`);
    const purged = await runScheduledMaintenance(env, "17 3 * * *");
    expect(purged.notes).toBeGreaterThanOrEqual(1);
    await expectProblem(await client.get(`/notes/${old.id}`), 404, "not-found");
    expect((await client.get(`/notes/${recent.id}`)).status).toBe(200);
    expect((await client.get(`/notes/${live.id}`)).status).toBe(200);
  });
});

describe("audit log", () => {
  it("records create, update, delete, restore and purge with note, user and request ids", async () => {
    const client = await noteClient();
    const call = apiWithEnv({ LOG_LEVEL: "info" });
    const lines = captureLogs();
    const send = (method: string, path: string, body?: unknown) =>
      call(path, {
        method,
        headers: { ...client.auth, "Content-Type": "application/json", "X-Request-Id": `audit-${method}` },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const created = (await (
      await send("POST", "/notes", { title: "audited", tags: [uniqueTag()] })
    ).json()) as Note;
    await send("PATCH", `/notes/${created.id}`, { title: "audited 2" });
    await send("DELETE", `/notes/${created.id}`);
    await send("POST", `/notes/${created.id}/restore`);
    await send("DELETE", `/notes/${created.id}`);
    await send("DELETE", `/notes/${created.id}?permanent=true`);
    const audit = logEntries(lines, "audit");
    expect(audit.map((entry) => entry.msg)).toEqual([
      "note.created",
      "note.updated",
      "note.deleted",
      "note.restored",
      "note.deleted",
      "note.purged",
    ]);
    for (const entry of audit) {
      expect(entry).toMatchObject({
        note_id: created.id,
        user_id: client.user.tokens.user.id,
        level: "info",
      });
      expect(entry.request_id).toMatch(/^audit-/);
    }
  });
});
