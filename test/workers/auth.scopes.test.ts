import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import {
  API_KEY_SCOPES,
  type ApiKeyScope,
  isApiKeyScope,
  type KeyRequirement,
} from "../../src/auth/scopes.ts";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, createApiKey, newAdmin, randomIp, type TestUser } from "../helpers/auth.ts";
import { uniqueLogin, upstreamStats } from "../helpers/github.ts";

/**
 * What an API key may do is declared on each route beside its access (`scope` in
 * routeOptions) and published twice in the document: OAuth-style in the security requirement
 * (`bearerAuth: ["notes:write"]`) and as `x-api-key-scope`. This walks the published document:
 * every operation that reads a bearer token must declare one, and on the wire a key without the
 * scope is refused (403 `insufficient-scope` naming it) while a key with only that scope is let
 * through. A route added tomorrow is covered without anyone remembering this file.
 */

interface Operation {
  security?: Array<Record<string, string[]>>;
  requestBody?: unknown;
  responses: Record<string, unknown>;
  "x-api-key-scope"?: KeyRequirement;
}
interface Case {
  method: string;
  path: string;
  operation: Operation;
}

async function bearerOperations(): Promise<Case[]> {
  const doc = (await (await api("/openapi.json")).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod)
      .filter(([, operation]) => operation.security?.some((option) => "bearerAuth" in option))
      .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
}

/** Read once, when the file is collected, so each operation is a test of its own. */
const CASES = await bearerOperations();
const label = (c: Case) => `${c.method} ${c.path} (${c.operation["x-api-key-scope"]})`;

/** Admin-or-public operations read the token only when admins-only, so the walk sets that. */
const call = apiWithEnv({ STATS_ACCESS: "admin", TRIGGER_ERROR_ACCESS: "admin" });

/** Random ids and fresh GitHub logins: the scope is checked before the input is even validated. */
function send({ method, path, operation }: Case, token: string): Promise<Response> {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
    ["username", "owner"].includes(name) ? uniqueLogin() : name === "repo" ? "repo" : crypto.randomUUID(),
  );
  return call(url, {
    method,
    headers: { ...bearer(token), "CF-Connecting-IP": randomIp(), "Content-Type": "application/json" },
    ...(operation.requestBody ? { body: "{}" } : {}),
  });
}

let owner: TestUser;
/** Per scope, a key with every other scope and a key with only that one; plus a one-scope key for `any`. */
const keys = new Map<string, string>();
const without = (scope: ApiKeyScope) => `without ${scope}`;
const only = (scope: ApiKeyScope) => `only ${scope}`;

beforeAll(async () => {
  // An admin's keys: they must still be refused admin routes (admin powers never reach a key).
  owner = await newAdmin();
  for (const scope of API_KEY_SCOPES) {
    const others = API_KEY_SCOPES.filter((other) => other !== scope);
    keys.set(without(scope), (await createApiKey(owner, without(scope), others)).key);
    keys.set(only(scope), (await createApiKey(owner, only(scope), [scope])).key);
  }
});

const key = (name: string) => keys.get(name) ?? "";

/** Passing the key check: whatever the answer (404, 422, 426 …), it is no 401 and no key refusal. */
async function expectAdmitted(response: Response, what: string) {
  const text = await response.text();
  expect(response.status, `${what}: ${text}`).not.toBe(401);
  if (response.status === 403) {
    expect(text, what).not.toMatch(/insufficient-scope|API key|login session/);
  }
}

describe("every operation enforces the API key scope its OpenAPI document declares", () => {
  it("every operation that reads a bearer token declares what a key needs, and the document agrees with itself", () => {
    // Notes (8), polls (10), GitHub (3), /me, API keys (5), admin (3), stats and trigger-error.
    expect(CASES.length).toBeGreaterThanOrEqual(30);
    const undeclared = CASES.filter((c) => c.operation["x-api-key-scope"] === undefined).map(label);
    expect(undeclared, "operations reading a bearer token without a declared scope").toEqual([]);
    for (const c of CASES) {
      const requirement = c.operation["x-api-key-scope"] as KeyRequirement;
      const listed = c.operation.security?.find((option) => "bearerAuth" in option)?.bearerAuth;
      expect(listed, label(c)).toEqual(isApiKeyScope(requirement) ? [requirement] : []);
      if (requirement !== "any") expect(c.operation.responses["403"], label(c)).toBeDefined();
    }
  });

  const scoped = CASES.filter((c) => isApiKeyScope(c.operation["x-api-key-scope"] ?? ""));
  it.each(scoped.map((c) => [label(c), c] as const))(
    "%s: refuses a key without the scope (403 naming it), admits a key with only that scope",
    async (_, c) => {
      const scope = c.operation["x-api-key-scope"] as ApiKeyScope;
      const refused = await send(c, key(without(scope)));
      expect(refused.headers.get("www-authenticate")).toBe(
        `Bearer realm="devhub-api", error="insufficient_scope", scope="${scope}"`,
      );
      const problem = await expectProblem(refused, 403, "insufficient-scope");
      expect(problem.required_scope).toBe(scope);
      expect(problem.detail).toContain(scope);
      await expectAdmitted(await send(c, key(only(scope))), `${label(c)} with only its scope`);
      await expectAdmitted(await send(c, owner.tokens.access_token), `${label(c)} with a session`);
    },
  );

  const sessionOnly = CASES.filter((c) => c.operation["x-api-key-scope"] === "session");
  it.each(sessionOnly.map((c) => [label(c), c] as const))(
    "%s: refuses every key, even one with every scope of an admin, and admits a session",
    async (_, c) => {
      for (const scope of API_KEY_SCOPES.slice(0, 2)) {
        await expectProblem(await send(c, key(without(scope))), 403, "forbidden");
      }
      await expectAdmitted(await send(c, owner.tokens.access_token), `${label(c)} with a session`);
    },
  );

  const anyKey = CASES.filter((c) => c.operation["x-api-key-scope"] === "any");
  it.each(anyKey.map((c) => [label(c), c] as const))(
    "%s: admits a key with any one scope, acting on itself",
    async (_, c) => {
      // A key of its own per case: a key may revoke itself (never a sibling), so `{id}` is its own.
      const own = await createApiKey(owner, "any", ["events:read"]);
      const self = { ...c, path: c.path.replace("{id}", own.id) };
      await expectAdmitted(await send(self, own.key), label(c));
    },
  );
});

describe("keys and the GitHub budget", () => {
  const tight = (env as unknown as { RL_TEST_TIGHT: RateLimit }).RL_TEST_TIGHT;
  const suitePolicy = (env as unknown as { RATE_LIMIT_POLICY: string }).RATE_LIMIT_POLICY;

  it("a key without github:read is refused before any GitHub budget is spent or GitHub is called", async () => {
    // The per-client `github` budget squeezed to 3 a minute.
    const squeezed = apiWithEnv({ RL_GITHUB: tight, RATE_LIMIT_POLICY: `${suitePolicy},github=3/60` });
    const ip = randomIp();
    const logins = Array.from({ length: 5 }, () => uniqueLogin());
    for (const login of logins) {
      const response = await squeezed(`/github/users/${login}`, {
        headers: { ...bearer(key(without("github:read"))), "CF-Connecting-IP": ip },
      });
      const problem = await expectProblem(response, 403, "insufficient-scope");
      expect(problem.required_scope).toBe("github:read");
      expect((await upstreamStats(login)).requests).toBe(0);
    }
    // The same address still has its whole budget: with the scope, exactly three calls reach
    // GitHub before the budget refuses.
    let upstreamCalls = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 5 && !refused; i += 1) {
      const login = uniqueLogin();
      const response = await squeezed(`/github/users/${login}`, {
        headers: { ...bearer(key(only("github:read"))), "CF-Connecting-IP": ip },
      });
      upstreamCalls += (await upstreamStats(login)).requests;
      if (response.status === 429) refused = response;
      else expect(response.status, await response.text()).toBe(200);
    }
    expect(refused?.status).toBe(429);
    await refused?.body?.cancel();
    expect(upstreamCalls).toBe(3);
  });
});

describe("a key without notes:write", () => {
  it("cannot change a note by any route the document lists under /notes or /trash", async () => {
    const session = bearer(owner.tokens.access_token);
    const created = await call("/notes", {
      method: "POST",
      headers: { ...session, "Content-Type": "application/json" },
      body: JSON.stringify({ title: "kept", content: "as it was" }),
    });
    expect(created.status).toBe(201);
    const note = (await created.json()) as { id: string; version: number };
    const writes = CASES.filter((c) => /^\/(notes|trash)(\/|$)/.test(c.path) && c.method !== "GET");
    expect(writes.length).toBeGreaterThanOrEqual(5);
    for (const c of writes) {
      const response = await call(c.path.replace("{id}", note.id), {
        method: c.method,
        headers: {
          ...bearer(key(without("notes:write"))),
          "Content-Type": "application/json",
          "If-Match": "*",
        },
        body: c.operation.requestBody
          ? JSON.stringify({ title: "changed", content: "by a reader" })
          : undefined,
      });
      await expectProblem(response, 403, "insufficient-scope");
    }
    const after = (await (await call(`/notes/${note.id}`, { headers: session })).json()) as Record<
      string,
      unknown
    >;
    expect(after).toMatchObject({ title: "kept", content: "as it was", version: note.version });
    expect(after.deleted_at ?? null).toBeNull();
  });
});
