/**
 * Hyperdrive cache policy (src/db/cache-policy.ts): no read-your-writes path may be served
 * from Hyperdrive's query cache. Each flow below reads, writes, then reads again, through an
 * emulation of Hyperdrive's cache (scripts/lib/hyperdrive-cache.ts, started by the test setup,
 * following Hyperdrive's documented caching rules). Run as the binding is provisioned
 * (HYPERDRIVE_QUERY_CACHING), every second read must see the write; run with caching on (the
 * policy bypassed), the flows whose reads Hyperdrive may cache must come back stale — which
 * proves the emulation bites, so the first result is not freshness by default. (test/node/provision.test.ts checks that
 * provisioning creates the config with `--caching-disabled`.)
 */
import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { NEON_CONNECTION, UNCACHED_BINDING } from "../../src/db/cache-policy.ts";
import { HYPERDRIVE_QUERY_CACHING } from "../../src/db/hyperdrive-caching.ts";
import type { CreatedApiKey } from "../../src/routes/auth/auth.schemas.ts";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import type { PollResults } from "../../src/routes/polls/polls.schemas.ts";
import { apiWithEnv } from "../helpers/api.ts";
import { adminTokens, bearer, registerUser } from "../helpers/auth.ts";
import { databaseDriver } from "../helpers/database-driver.ts";
import { captureLogs, logEntries } from "../helpers/logs.ts";
import { answersFor, ownerWithPoll } from "../helpers/polls.ts";

type Call = ReturnType<typeof apiWithEnv>;
type Caching = "disabled" | "on";

/** The app on the pg driver, its HYPERDRIVE binding behind the emulated cache set `caching`. */
function behindHyperdrive(caching: Caching): Call {
  const url = inject(caching === "on" ? "hyperdriveCachingOnUrl" : "hyperdriveCachingDisabledUrl");
  return apiWithEnv({ DATABASE_DRIVER: "pg", HYPERDRIVE: { ...env.HYPERDRIVE, connectionString: url } });
}

const json = (method: string, body: unknown, headers: Record<string, string>): RequestInit => ({
  method,
  headers: { "Content-Type": "application/json", ...headers },
  body: JSON.stringify(body),
});

/** What the second read returned, beside what it must return once the write is seen. */
interface Reads {
  fresh: unknown;
  observed: unknown;
}

type Flow = (call: Call) => Promise<Reads>;

/** Reads a note, PATCHes it, reads it again. */
const noteAfterPatch: Flow = async (call) => {
  const auth = bearer((await registerUser()).tokens.access_token);
  const note = (await (await call("/notes", json("POST", { title: "v1" }, auth))).json()) as Note;
  await call(`/notes/${note.id}`, { headers: auth });
  const patched = await call(`/notes/${note.id}`, json("PATCH", { title: "v2" }, auth));
  const read = await call(`/notes/${note.id}`, { headers: auth });
  return {
    fresh: { title: "v2", etag: patched.headers.get("etag") },
    observed: { title: ((await read.json()) as Note).title, etag: read.headers.get("etag") },
  };
};

/** Each flow reads first (so a caching hop has something to serve), writes, reads again. */
const FLOWS = {
  /** These three read with plain SELECTs, which Hyperdrive's rules let it cache. */
  cacheable: {
    "a note read right after PATCH": noteAfterPatch,
    "an account right after it is disabled": async (call) => {
      const user = await registerUser();
      const admin = bearer((await adminTokens()).access_token);
      expect((await call("/me", { headers: bearer(user.tokens.access_token) })).status).toBe(200);
      const disabled = await call(`/admin/users/${user.tokens.user.id}/disable`, {
        method: "POST",
        headers: admin,
      });
      expect(disabled.status).toBe(200);
      return {
        fresh: 401,
        observed: (await call("/me", { headers: bearer(user.tokens.access_token) })).status,
      };
    },
    "/me right after the account is enabled again": async (call) => {
      const user = await registerUser();
      const admin = bearer((await adminTokens()).access_token);
      await call(`/admin/users/${user.tokens.user.id}/disable`, { method: "POST", headers: admin });
      expect((await call("/me", { headers: bearer(user.tokens.access_token) })).status).toBe(401);
      const enabled = await call(`/admin/users/${user.tokens.user.id}/enable`, {
        method: "POST",
        headers: admin,
      });
      expect(enabled.status).toBe(200);
      return {
        fresh: 200,
        observed: (await call("/me", { headers: bearer(user.tokens.access_token) })).status,
      };
    },
  },
  /**
   * These two stay fresh even with caching on, for a reason outside the policy: today's SQL.
   * Poll reads compute `status` with now() (a stable function), and an API key is looked up
   * by a statement that also stamps its last use (a write). Should either become a plain
   * SELECT, the caching-on test below fails and the flow moves up to `cacheable`.
   */
  uncacheable: {
    "poll results right after a vote": async (call) => {
      const { owner, poll } = await ownerWithPoll();
      const totalVoters = async () => {
        const response = await call(`/polls/${poll.id}/results`, {
          headers: bearer(owner.tokens.access_token),
        });
        return ((await response.json()) as PollResults).total_voters;
      };
      await totalVoters();
      const voter = bearer((await registerUser()).tokens.access_token);
      expect((await call(`/polls/${poll.id}/votes`, json("POST", answersFor(poll), voter))).status).toBe(201);
      return { fresh: 1, observed: await totalVoters() };
    },
    "an API key right after it is revoked": async (call) => {
      const session = bearer((await registerUser()).tokens.access_token);
      const created = await call(
        "/auth/api-keys",
        json("POST", { name: "k", scopes: ["notes:read"] }, session),
      );
      const key = (await created.json()) as CreatedApiKey;
      expect((await call("/me", { headers: bearer(key.key) })).status).toBe(200);
      expect((await call(`/auth/api-keys/${key.id}`, { method: "DELETE", headers: session })).status).toBe(
        204,
      );
      return { fresh: 401, observed: (await call("/me", { headers: bearer(key.key) })).status };
    },
  },
} satisfies Record<string, Record<string, Flow>>;

describe(`Hyperdrive cache policy: caching ${HYPERDRIVE_QUERY_CACHING}, as provisioned`, () => {
  for (const [flow, run] of Object.entries({ ...FLOWS.cacheable, ...FLOWS.uncacheable })) {
    it(`${flow} sees the write`, async () => {
      const { fresh, observed } = await run(behindHyperdrive(HYPERDRIVE_QUERY_CACHING));
      expect(observed).toEqual(fresh);
    });
  }

  it("names the uncached binding in every database request's access line", async () => {
    const lines = captureLogs();
    await noteAfterPatch(apiWithEnv({ LOG_LEVEL: "info" }));
    const access = logEntries(lines, "access").filter((entry) => entry.db !== undefined);
    expect(access.length).toBeGreaterThan(0);
    const expected = databaseDriver === "neon" ? NEON_CONNECTION : UNCACHED_BINDING;
    for (const entry of access) expect(entry.db).toMatchObject({ binding: expected });
  });
});

describe("the Hyperdrive cache emulation with caching on (the policy bypassed)", () => {
  for (const [flow, run] of Object.entries(FLOWS.cacheable)) {
    it(`serves ${flow} stale`, async () => {
      const { fresh, observed } = await run(behindHyperdrive("on"));
      expect(observed).not.toEqual(fresh);
    });
  }
  for (const [flow, run] of Object.entries(FLOWS.uncacheable)) {
    it(`serves ${flow} fresh, its SQL being uncacheable`, async () => {
      const { fresh, observed } = await run(behindHyperdrive("on"));
      expect(observed).toEqual(fresh);
    });
  }
});
