import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type PolicyName, parsePolicyFigures, RATE_LIMIT_POLICY } from "../../src/rate-limit/policy.ts";
import { limiterObjectName } from "../../src/rate-limit/spend.ts";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { adminTokens, bearer, randomIp, registerUser, uniqueEmail } from "../helpers/auth.ts";
import { uniqueLogin } from "../helpers/github.ts";

/**
 * Rate limits are declared on the route (src/middleware/limits.ts) and published in the
 * document as `x-rate-limits`. This walks the published document and, for every declared
 * limit of every operation, squeezes that one entry of the policy table to 3 and sends the
 * operation until it refuses: the refusal must be the declared entry's, with its headers. A
 * route added tomorrow is covered without anyone remembering this file.
 */

interface DeclaredLimit {
  name: PolicyName;
  per: string;
  charged: string;
  when?: string;
}
interface Operation {
  security?: Array<Record<string, string[]>>;
  requestBody?: unknown;
  "x-rate-limits"?: DeclaredLimit[];
}
interface Case {
  method: string;
  path: string;
  operation: Operation;
  limit: DeclaredLimit;
}

const tight = (env as unknown as { RL_TEST_TIGHT: RateLimit }).RL_TEST_TIGHT;
const suitePolicy = (env as unknown as { RATE_LIMIT_POLICY: string }).RATE_LIMIT_POLICY;

async function documentedOperations() {
  const doc = (await (await api("/openapi.json")).json()) as {
    paths: Record<string, Record<string, Operation>>;
  };
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );
}

/** A URL for the operation: fresh GitHub logins (so each call goes upstream), random ids elsewhere. */
function urlFor({ path, limit }: Pick<Case, "path" | "limit">): string {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
    ["username", "owner"].includes(name) ? uniqueLogin() : name === "repo" ? "repo" : crypto.randomUUID(),
  );
  const when = /^query (\w+)$/.exec(limit.when ?? "");
  if (when) return `${url}?${when[1]}=zq`;
  // A required list of repositories (GET /github/stars): one repository of a fresh login.
  return path === "/github/stars" ? `${url}?repos=${uniqueLogin()}/repo-0001` : url;
}

/**
 * The environment that squeezes the case's entry to 3 (a binding budget gets RL_TEST_TIGHT).
 * A service-wide bucket gets a window of its own per case, hence fresh buckets.
 */
function squeezed({ limit }: Case, index: number) {
  const entry = RATE_LIMIT_POLICY[limit.name];
  const window = entry.store === "binding" ? 60 : entry.windowSeconds + (entry.per === "service" ? index : 0);
  return {
    window,
    call: apiWithEnv({
      ...(entry.store === "binding" && "binding" in entry ? { [entry.binding]: tight } : {}),
      RATE_LIMIT_POLICY: `${suitePolicy},${limit.name}=3/${window}`,
      // Admin-or-public operations read the token only when admins-only.
      STATS_ACCESS: "admin",
      TRIGGER_ERROR_ACCESS: "admin",
    }),
  };
}

/** A request that spends the case's entry once, from a subject of its own where it can be. */
async function requester(c: Case): Promise<(call: ReturnType<typeof apiWithEnv>) => Promise<Response>> {
  const { method, operation, limit } = c;
  const ip = randomIp();
  const send = (call: ReturnType<typeof apiWithEnv>, headers: Record<string, string>, body?: unknown) =>
    call(urlFor(c), {
      method,
      headers: {
        "CF-Connecting-IP": ip,
        "Content-Type": "application/json",
        // Cards answer an image client with an error card; this walker reads the problem.
        ...(c.path.startsWith("/cards/") ? { Accept: "application/problem+json" } : {}),
        ...headers,
      },
      ...(body !== undefined || operation.requestBody ? { body: JSON.stringify(body ?? {}) } : {}),
    });
  switch (limit.per) {
    case "email":
    case "email and address": {
      const email = uniqueEmail("limit");
      // A failed login for login; for registration, a body that is charged and then refused (422).
      return (call) => send(call, {}, { email, password: "wrong-Password-42-x" });
    }
    case "refresh token's account": {
      const { refresh_token } = (await registerUser()).tokens;
      return (call) => send(call, {}, { refresh_token });
    }
    case "account": {
      // The one admin opens every secured operation; a fresh user is charged where a user will do.
      const needsAdmin = c.path.startsWith("/admin") || c.path === "/stats" || c.path === "/trigger-error";
      const token = needsAdmin
        ? (await adminTokens()).access_token
        : (await registerUser()).tokens.access_token;
      return (call) => send(call, bearer(token));
    }
    default:
      return (call) => send(call, {});
  }
}

async function untilRefused(send: () => Promise<Response>) {
  let passed = 0;
  for (let i = 0; i < 8; i += 1) {
    const response = await send();
    if (response.status === 429 || response.status === 503) return { passed, refused: response };
    await response.body?.cancel();
    passed += 1;
  }
  return { passed, refused: undefined };
}

async function casesOfDocument(): Promise<Case[]> {
  return (await documentedOperations()).flatMap(({ method, path, operation }) =>
    (operation["x-rate-limits"] ?? []).map((limit) => ({ method, path, operation, limit })),
  );
}

/** Read once, when the file is collected, so each (operation, entry) is a test of its own. */
const CASES = await casesOfDocument();
const label = (c: Case) => `${c.method} ${c.path}: ${c.limit.name}`;
const charged = CASES.filter((c) => c.limit.charged !== "concurrently").map((c, index) => ({ c, index }));

describe("every operation enforces the rate limits its OpenAPI document declares", () => {
  it("each declared entry is the policy table's, and every entry of the table is declared somewhere", () => {
    expect(charged.length).toBeGreaterThan(50);
    for (const c of CASES) {
      const entry = RATE_LIMIT_POLICY[c.limit.name];
      expect(entry, label(c)).toBeDefined();
      expect({ per: c.limit.per, charged: c.limit.charged }).toEqual({
        per: entry.per,
        charged: entry.charged,
      });
    }
    const declared = new Set(CASES.map((c) => c.limit.name));
    expect(Object.keys(RATE_LIMIT_POLICY).filter((name) => !declared.has(name as PolicyName))).toEqual([]);
  });

  it.each(charged.map(({ c, index }) => [label(c), c, index] as const))(
    "%s: the request past the budget is refused with its 429 (503 when the service shares it) and headers",
    async (name, c, index) => {
      const { call, window } = squeezed(c, index);
      const send = await requester(c);
      const { passed, refused } = await untilRefused(() => send(call));
      expect(refused, `${name}: never refused`).toBeDefined();
      // RL_TEST_TIGHT counts per clock-aligned minute, so at most 6 pass across a boundary.
      const shared = c.limit.per === "service";
      expect(passed, name).toBeLessThanOrEqual(shared ? 3 : 6);
      const response = refused as Response;
      await expectProblem(response, shared ? 503 : 429, shared ? "dependency-unavailable" : "rate-limited");
      expect(Number(response.headers.get("retry-after")), name).toBeGreaterThanOrEqual(1);
      expect(response.headers.get("ratelimit-policy"), name).toContain(`"${c.limit.name}";q=3;w=${window}`);
    },
  );

  it.each(
    CASES.filter((c) => c.limit.when && c.limit.charged === "request").map((c) => [label(c), c] as const),
  )("%s is charged only when its condition holds", async (name, c) => {
    const { call } = squeezed(c, 0);
    const send = await requester({ ...c, limit: { ...c.limit, when: undefined } });
    const { refused } = await untilRefused(() => send(call));
    expect(refused, `${name} charged without ${c.limit.when}`).toBeUndefined();
  });

  it.each(CASES.filter((c) => c.limit.charged === "concurrently").map((c) => [label(c), c] as const))(
    "%s refuses while all its slots are held, and serves once one is free",
    async (_name, c) => {
      const user = await registerUser();
      const policy = `${suitePolicy},${c.limit.name}=1`;
      const call = apiWithEnv({ RATE_LIMIT_POLICY: policy });
      const figures = parsePolicyFigures(policy)[c.limit.name];
      const slots = env.RATE_LIMITER.getByName(
        await limiterObjectName(c.limit.name, figures, user.tokens.user.id),
      );
      const lease = await slots.acquireSlot(1, 60_000);
      const url = urlFor(c);
      const refused = await call(url, { headers: bearer(user.tokens.access_token) });
      const problem = await expectProblem(refused, 429, "rate-limited");
      expect(problem.detail).toContain(c.limit.name);
      await slots.releaseSlot(lease as string);
      const served = await call(url, { headers: bearer(user.tokens.access_token) });
      expect(served.status, await served.text()).toBeLessThan(400);
    },
  );
});
