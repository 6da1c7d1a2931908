import { describe, expect, it } from "vitest";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import { apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { twoQuestions } from "../helpers/polls.ts";

/** A new account's requests through the real app with the given quotas. */
function sender(auth: Record<string, string>, quotas: Record<string, string>) {
  const call = apiWithEnv(quotas);
  return (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    call(path, {
      method,
      headers: { ...auth, ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}

async function account(quotas: Record<string, string>) {
  const auth = bearer((await registerUser()).tokens.access_token);
  return { auth, send: sender(auth, quotas) };
}

async function expectQuota(response: Response, quota: string, limit: number) {
  const problem = await expectProblem(response, 409, "quota-exceeded");
  expect(problem).toMatchObject({ quota, limit });
  return problem;
}

describe("notes quota", () => {
  it("refuses the note past QUOTA_NOTES, counts the trash, and frees room when the trash is emptied", async () => {
    const { send } = await account({ QUOTA_NOTES: "3" });
    const ids: string[] = [];
    for (const title of ["a", "b", "c"]) {
      const response = await send("POST", "/notes", { title });
      expect(response.status).toBe(201);
      ids.push(((await response.json()) as Note).id);
    }
    const problem = await expectQuota(await send("POST", "/notes", { title: "d" }), "notes", 3);
    expect(problem.used).toBe(3);
    expect((await send("DELETE", `/notes/${ids[0]}`)).status).toBe(204);
    await expectQuota(await send("POST", "/notes", { title: "d" }), "notes", 3);
    // Restoring takes no new room: the trash was counted all along.
    expect((await send("POST", `/notes/${ids[0]}/restore`)).status).toBe(200);
    expect((await send("DELETE", `/notes/${ids[0]}`)).status).toBe(204);
    expect((await send("DELETE", "/trash")).status).toBe(200);
    expect((await send("POST", "/notes", { title: "d" })).status).toBe(201);
  });

  it("counts UTF-8 bytes of title, content and tags against QUOTA_NOTE_BYTES, on create and on edit", async () => {
    const { send } = await account({ QUOTA_NOTE_BYTES: "1000" });
    // 300 characters, 600 bytes.
    const first = await send("POST", "/notes", { title: "t", content: "é".repeat(300), tags: ["ab"] });
    expect(first.status).toBe(201);
    const note = (await first.json()) as Note;
    const over = await expectQuota(
      await send("POST", "/notes", { title: "u", content: "x".repeat(397) }),
      "note_bytes",
      1000,
    );
    expect(over.used).toBe(603);
    expect((await send("POST", "/notes", { title: "u", content: "x".repeat(396) })).status).toBe(201);
    // The account is now exactly full: growing an edit is refused, the rest is not.
    await expectQuota(await send("PATCH", `/notes/${note.id}`, { tags: ["abc"] }), "note_bytes", 1000);
    await expectQuota(await send("PATCH", `/notes/${note.id}`, { title: "tt" }), "note_bytes", 1000);
    expect((await send("PATCH", `/notes/${note.id}`, { pinned: true })).status).toBe(200);
    expect((await send("PATCH", `/notes/${note.id}`, { title: "T" })).status).toBe(200);
    expect((await send("PATCH", `/notes/${note.id}`, { content: "é".repeat(299) })).status).toBe(200);
    expect((await send("PATCH", `/notes/${note.id}`, { content: `${"é".repeat(299)}xx` })).status).toBe(200);
    await expectQuota(
      await send("PATCH", `/notes/${note.id}`, { content: `${"é".repeat(299)}xxx` }),
      "note_bytes",
      1000,
    );
  });

  it("lets an account over a lowered limit shrink its notes but not grow them", async () => {
    const { auth, send: roomy } = await account({});
    const note = (await (
      await roomy("POST", "/notes", { title: "big", content: "x".repeat(500) })
    ).json()) as Note;
    // The same account under a deployment whose limit is now below its usage.
    const send = sender(auth, { QUOTA_NOTE_BYTES: "100" });
    await expectQuota(
      await send("PATCH", `/notes/${note.id}`, { content: "x".repeat(501) }),
      "note_bytes",
      100,
    );
    expect((await send("PATCH", `/notes/${note.id}`, { content: "x".repeat(400) })).status).toBe(200);
    expect((await send("PATCH", `/notes/${note.id}`, { content: "x".repeat(400), title: "bi" })).status).toBe(
      200,
    );
    await expectQuota(await send("POST", "/notes", { title: "more" }), "note_bytes", 100);
  });

  it("a replay of an Idempotency-Key create at a full quota returns the note, not a 409", async () => {
    const { send } = await account({ QUOTA_NOTES: "1" });
    const key = { "Idempotency-Key": crypto.randomUUID() };
    expect((await send("POST", "/notes", { title: "once" }, key)).status).toBe(201);
    const replay = await send("POST", "/notes", { title: "once" }, key);
    expect(replay.status).toBe(201);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    await expectQuota(
      await send("POST", "/notes", { title: "twice" }, { "Idempotency-Key": crypto.randomUUID() }),
      "notes",
      1,
    );
  });

  it("concurrent creates never overshoot the quota", async () => {
    const { send } = await account({ QUOTA_NOTES: "4" });
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, index) => send("POST", "/notes", { title: `n${index}` })),
    );
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(4).fill(201), ...Array(8).fill(409)]);
    const list = await (await send("GET", "/notes?limit=100")).json();
    expect((list as { total: number }).total).toBe(4);
  });
});

describe("polls quota", () => {
  it("refuses the poll past QUOTA_POLLS; deleting one frees room; concurrent creates never overshoot", async () => {
    const { send } = await account({ QUOTA_POLLS: "3" });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => send("POST", "/polls", twoQuestions())),
    );
    const created = responses.filter((response) => response.status === 201);
    expect(created).toHaveLength(3);
    for (const response of responses.filter((r) => r.status !== 201)) await expectQuota(response, "polls", 3);
    const { id } = (await (created[0] as Response).json()) as { id: string };
    await expectQuota(await send("POST", "/polls", twoQuestions()), "polls", 3);
    expect((await send("DELETE", `/polls/${id}`)).status).toBe(204);
    expect((await send("POST", "/polls", twoQuestions())).status).toBe(201);
  });
});
