import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { CreatedBy } from "../../src/audit/created-by.schema.ts";
import { queryRows } from "../../src/db/client.ts";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import type { OwnBallot } from "../../src/routes/polls/polls.ballot.schemas.ts";
import type { Poll } from "../../src/routes/polls/polls.schemas.ts";
import { api, apiJson } from "../helpers/api.ts";
import { bearer, createApiKey, newAdmin, randomIp, registerUser, type TestUser } from "../helpers/auth.ts";
import { withDatabase } from "../helpers/events.ts";
import { noteClient } from "../helpers/notes.ts";
import { anonymousBrowser, answersFor, createPoll, twoQuestions } from "../helpers/polls.ts";

/**
 * Notes, polls and ballots record the credential that created them, in the audit trail's
 * shape (`{kind: "session", id}` with the session's id, `{kind: "api_key", id}` with the
 * key's), shown to the owner.
 */

/** The session id a JWT carries (`sid`), as the audit trail names the session. */
function sessionOf(user: TestUser): string {
  const payload = user.tokens.access_token.split(".")[1] as string;
  const { sid } = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string };
  return sid;
}

const bySession = (user: TestUser): CreatedBy => ({ kind: "session", id: sessionOf(user) });
const byKey = (id: string): CreatedBy => ({ kind: "api_key", id });

async function readJson<T>(response: Response, status = 200): Promise<T> {
  expect(response.status, await response.clone().text()).toBe(status);
  return (await response.json()) as T;
}

describe("notes record the credential that created them", () => {
  it("a note created with a session shows the session, one created with a key shows the key", async () => {
    const client = await noteClient();
    const key = await createApiKey(client.user, "ci", ["notes:read", "notes:write"]);
    const withSession = await client.create({ title: "by session" });
    expect(withSession.created_by).toEqual(bySession(client.user));
    const withKey = await readJson<Note>(
      await apiJson("/notes", "POST", { title: "by key" }, bearer(key.key)),
      201,
    );
    expect(withKey.created_by).toEqual(byKey(key.id));
    // Read back by the owner (any credential): the creator stays what it was.
    expect((await readJson<Note>(await client.get(`/notes/${withKey.id}`))).created_by).toEqual(
      byKey(key.id),
    );
    const listed = await client.list("limit=10");
    expect(Object.fromEntries(listed.items.map((note) => [note.id, note.created_by]))).toEqual({
      [withSession.id]: bySession(client.user),
      [withKey.id]: byKey(key.id),
    });
  });

  it("an idempotent create and an import record the key too", async () => {
    const client = await noteClient();
    const key = await createApiKey(client.user, "import", ["notes:read", "notes:write"]);
    const idempotent = await readJson<Note>(
      await apiJson(
        "/notes",
        "POST",
        { title: "once" },
        { ...bearer(key.key), "Idempotency-Key": crypto.randomUUID() },
      ),
      201,
    );
    expect(idempotent.created_by).toEqual(byKey(key.id));
    const exported = {
      format: "devhub-notes",
      version: 1,
      exported_at: new Date().toISOString(),
      notes: [{ title: "imported", content: "", tags: [], pinned: false, archived: false }],
    };
    const imported = await readJson<{ items: Array<{ note_id: string }> }>(
      await apiJson("/notes/import", "POST", exported, bearer(key.key)),
    );
    const noteId = imported.items[0]?.note_id as string;
    expect((await readJson<Note>(await client.get(`/notes/${noteId}`))).created_by).toEqual(byKey(key.id));
  });

  it("a note created before this was recorded reads as unknown (null)", async () => {
    const client = await noteClient();
    const note = await client.create({ title: "old" });
    await withDatabase((db) =>
      db.execute(
        sql`UPDATE notes SET created_by_credential = NULL, created_by_credential_id = NULL WHERE id = ${note.id}`,
      ),
    );
    expect((await readJson<Note>(await client.get(`/notes/${note.id}`))).created_by).toBeNull();
  });
});

describe("polls record the credential that created them, shown to the owner only", () => {
  it("the owner sees the key or session that created each poll; another account and a visitor do not", async () => {
    const owner = await registerUser();
    const key = await createApiKey(owner, "bot", ["polls:read", "polls:write"]);
    const withKey = await readJson<Poll>(
      await apiJson("/polls", "POST", twoQuestions(), bearer(key.key)),
      201,
    );
    expect(withKey.created_by).toEqual(byKey(key.id));
    const withSession = await createPoll(owner, twoQuestions());
    expect(withSession.created_by).toEqual(bySession(owner));

    const asOwner = await readJson<Poll>(
      await api(`/polls/${withKey.id}`, { headers: bearer(owner.tokens.access_token) }),
    );
    expect(asOwner.created_by).toEqual(byKey(key.id));
    const other = await registerUser();
    const asOther = await readJson<Poll>(
      await api(`/polls/${withKey.id}`, { headers: bearer(other.tokens.access_token) }),
    );
    expect(asOther).not.toHaveProperty("created_by");
    expect(asOther).not.toHaveProperty("owner_id");
    const asVisitor = await readJson<Poll>(await api(`/polls/${withKey.id}`));
    expect(asVisitor).not.toHaveProperty("created_by");

    const mine = await readJson<{ items: Poll[] }>(
      await api("/polls?mine=true&limit=10", { headers: bearer(owner.tokens.access_token) }),
    );
    expect(mine.items.find((poll) => poll.id === withSession.id)?.created_by).toEqual(bySession(owner));
    const listed = await readJson<{ items: Poll[] }>(await api("/polls?limit=50"));
    expect(listed.items.filter((poll) => "created_by" in poll)).toEqual([]);
  });

  it("an admin sees it, as they see owner_id", async () => {
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions());
    const admin = await newAdmin();
    const asAdmin = await readJson<Poll>(
      await api(`/polls/${poll.id}`, { headers: bearer(admin.tokens.access_token) }),
    );
    expect(asAdmin.created_by).toEqual(bySession(owner));
  });
});

describe("ballots record the credential that cast them", () => {
  const voteWith = (token: string, poll: Poll) =>
    apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll), {
      ...bearer(token),
      "CF-Connecting-IP": randomIp(),
    });
  const mineWith = async (token: string, poll: Poll) =>
    readJson<OwnBallot>(await api(`/polls/${poll.id}/votes/mine`, { headers: bearer(token) }));

  it("a ballot cast with a key records that key; one cast with a session, the session", async () => {
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions());
    const keyVoter = await registerUser();
    const key = await createApiKey(keyVoter, "voter", ["polls:read", "polls:vote"]);
    expect((await voteWith(key.key, poll)).status).toBe(201);
    // Read back with the session: the ballot keeps the credential that cast it.
    expect((await mineWith(keyVoter.tokens.access_token, poll)).created_by).toEqual(byKey(key.id));

    const sessionVoter = await registerUser();
    expect((await voteWith(sessionVoter.tokens.access_token, poll)).status).toBe(201);
    expect((await mineWith(sessionVoter.tokens.access_token, poll)).created_by).toEqual(
      bySession(sessionVoter),
    );
  });

  it("an anonymous voter's ballot records no credential (`none`)", async () => {
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions({ voters: "anonymous" }));
    const browser = await anonymousBrowser(poll.id);
    expect((await browser.vote(answersFor(poll))).status).toBe(201);
    const ballot = await readJson<OwnBallot>(await browser.mine("GET"));
    expect(ballot.created_by).toEqual({ kind: "none", id: null });
  });

  it("a ballot inserted without the statement's settings reads as unknown (null)", async () => {
    // What the column defaults give outside a cast through the API: nothing is invented.
    const owner = await registerUser();
    const poll = await createPoll(owner, twoQuestions());
    const voter = await registerUser();
    expect((await voteWith(voter.tokens.access_token, poll)).status).toBe(201);
    const [row] = await withDatabase(async (db) => {
      await db.execute(sql`DELETE FROM poll_ballots WHERE poll_id = ${poll.id}`);
      await db.execute(
        sql`INSERT INTO poll_ballots (id, poll_id, voter_key, user_id) VALUES (${crypto.randomUUID()}, ${poll.id}, ${`user:${voter.tokens.user.id}`}, ${voter.tokens.user.id})`,
      );
      return queryRows(
        db,
        sql`SELECT created_by_credential, created_by_credential_id FROM poll_ballots WHERE poll_id = ${poll.id}`,
      );
    });
    expect(row).toEqual({ created_by_credential: null, created_by_credential_id: null });
  });
});
