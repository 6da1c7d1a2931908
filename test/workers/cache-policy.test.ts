/**
 * Hyperdrive cache policy (src/db/cache-policy.ts): the read-your-writes paths go through
 * the binding whose config has query caching disabled. Local emulation never caches, so
 * freshness alone proves nothing here; each request's access line names the binding its
 * queries used (test/node/provision.test.ts checks it is the only Hyperdrive binding in
 * every environment, and that provisioning creates it with caching disabled).
 */
import { describe, expect, it } from "vitest";
import { UNCACHED_BINDING } from "../../src/db/cache-policy.ts";
import type { CreatedApiKey } from "../../src/routes/auth/auth.schemas.ts";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import type { PollResults } from "../../src/routes/polls/polls.schemas.ts";
import { apiWithEnv } from "../helpers/api.ts";
import { adminTokens, bearer, registerUser } from "../helpers/auth.ts";
import { captureLogs } from "../helpers/logs.ts";
import { answersFor, ownerWithPoll, voteAs } from "../helpers/polls.ts";

interface AccessLine {
  request_id: string;
  status: number;
  db?: { binding: string; queries: number };
}

/** Calls the app with access logging on and returns the response with its access line. */
function observedApi() {
  const lines = captureLogs();
  const call = apiWithEnv({ LOG_LEVEL: "info" });
  return async (path: string, init: RequestInit = {}) => {
    const response = await call(path, init);
    const requestId = response.headers.get("x-request-id");
    const access = lines
      .map((line) => JSON.parse(line) as AccessLine & { channel: string })
      .find((entry) => entry.channel === "access" && entry.request_id === requestId);
    if (!access) throw new Error(`no access line for ${path}`);
    return { response, access };
  };
}

const json = (method: string, body: unknown, headers: Record<string, string>): RequestInit => ({
  method,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

function expectUncached(access: AccessLine) {
  expect(access.db?.binding).toBe(UNCACHED_BINDING);
  expect(access.db?.queries).toBeGreaterThan(0);
}

describe("Hyperdrive cache policy: read-your-writes through the uncached binding", () => {
  it("a note read right after PATCH", async () => {
    const call = observedApi();
    const user = await registerUser();
    const auth = bearer(user.tokens.access_token);
    const created = await call("/notes", json("POST", { title: "v1" }, auth));
    const note = (await created.response.json()) as Note;
    const patched = await call(`/notes/${note.id}`, json("PATCH", { title: "v2" }, auth));
    expect(patched.response.status).toBe(200);
    const read = await call(`/notes/${note.id}`, { headers: auth });
    expect(((await read.response.json()) as Note).title).toBe("v2");
    expect(read.response.headers.get("etag")).toBe(patched.response.headers.get("etag"));
    expectUncached(read.access);
  });

  it("poll results right after a vote", async () => {
    const call = observedApi();
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    expect((await voteAs(voter, poll, answersFor(poll))).status).toBe(201);
    const results = await call(`/polls/${poll.id}/results`, { headers: bearer(owner.tokens.access_token) });
    const counted = (await results.response.json()) as PollResults;
    expect(counted.total_voters).toBe(1);
    expect(counted.questions[0]?.choices[0]?.votes).toBe(1);
    expectUncached(results.access);
  });

  it("an API key right after it is revoked, and an account right after it is disabled", async () => {
    const call = observedApi();
    const user = await registerUser();
    const session = bearer(user.tokens.access_token);
    const created = await call(
      "/auth/api-keys",
      json("POST", { name: "k", scopes: ["notes:read"] }, session),
    );
    const key = (await created.response.json()) as CreatedApiKey;
    expect((await call("/me", { headers: bearer(key.key) })).response.status).toBe(200);
    expect(
      (await call(`/auth/api-keys/${key.id}`, { method: "DELETE", headers: session })).response.status,
    ).toBe(204);
    const revoked = await call("/me", { headers: bearer(key.key) });
    expect(revoked.response.status).toBe(401);
    expectUncached(revoked.access);

    const other = await registerUser();
    const admin = await adminTokens();
    const disable = await call(`/admin/users/${other.tokens.user.id}/disable`, {
      method: "POST",
      headers: bearer(admin.access_token),
    });
    expect(disable.response.status).toBe(200);
    const disabled = await call("/me", { headers: bearer(other.tokens.access_token) });
    expect(disabled.response.status).toBe(401);
    expectUncached(disabled.access);
  });
});
