import { env } from "cloudflare:workers";
import { describe, expect, inject, it } from "vitest";
import { parsePolicyFigures } from "../../src/rate-limit/policy.ts";
import { limiterObjectName } from "../../src/rate-limit/spend.ts";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, getAs, randomIp, randomIpv6Net, registerUser } from "../helpers/auth.ts";
import { noteClient } from "../helpers/notes.ts";
import { answersFor, ownerWithPoll } from "../helpers/polls.ts";

const tight = (env as unknown as { RL_TEST_TIGHT: RateLimit }).RL_TEST_TIGHT;

/**
 * RL_TEST_TIGHT allows 3 per clock-aligned minute: within 8 calls a 429 must appear even if
 * the calls straddle a window boundary (at most 6 can pass then).
 */
async function untilLimited(send: () => Promise<Response>): Promise<{ passed: number; limited: Response }> {
  let passed = 0;
  for (let i = 0; i < 8; i += 1) {
    const response = await send();
    if (response.status === 429) return { passed, limited: response };
    expect(response.status, await response.text()).toBeLessThan(400);
    passed += 1;
  }
  throw new Error("no 429 within 8 calls");
}

async function expectBudget429(limited: Response, budget: string) {
  const problem = await expectProblem(limited, 429, "rate-limited");
  expect(problem.detail).toContain(budget);
  expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
  expect(limited.headers.get("ratelimit-policy")).toContain(`"${budget}";q=3;w=60`);
  expect(limited.headers.get("ratelimit")).toMatch(new RegExp(`"${budget}";r=0;t=\\d+`));
}

/** Casts one ballot (a fresh poll, a fresh voter) from `ip` with the vote budget at 3 a minute. */
function voterUnderTightBudget() {
  const call = apiWithEnv({ RL_VOTE: tight, RATE_LIMIT_POLICY: "vote=3/60" });
  return async (ip: string) => {
    const { poll } = await ownerWithPoll();
    const voter = await registerUser();
    return call(`/polls/${poll.id}/votes`, {
      method: "POST",
      headers: {
        ...bearer(voter.tokens.access_token),
        "Content-Type": "application/json",
        "CF-Connecting-IP": ip,
      },
      body: JSON.stringify(answersFor(poll)),
    });
  };
}

describe("RateLimit headers", () => {
  it("an anonymous request reports the client budget; an authenticated one adds the account", async () => {
    const anonymous = await api("/health/ready", { headers: { "CF-Connecting-IP": randomIp() } });
    expect(anonymous.headers.get("ratelimit-policy")).toBe('"client";q=100000;w=60');
    expect(anonymous.headers.get("ratelimit")).toMatch(/^"client";r=\d+;t=\d+$/);
    const user = await registerUser();
    const notes = await getAs("/notes", user.tokens.access_token);
    expect(notes.status).toBe(200);
    expect(notes.headers.get("ratelimit-policy")).toContain('"account";q=100000;w=60');
  });

  it("auth endpoints report their exact Durable Object buckets", async () => {
    const user = await registerUser();
    const response = await api("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": randomIp() },
      body: JSON.stringify({ email: user.email, password: user.password }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("ratelimit-policy")).toContain('"login_ip";q=20;w=300');
    expect(response.headers.get("ratelimit")).toContain('"login_ip";r=19;');
  });
});

describe("budgets answer 429 with Retry-After", () => {
  it("per client address, on any route; another address is unaffected", async () => {
    const call = apiWithEnv({ RL_CLIENT: tight, RATE_LIMIT_POLICY: "client=3/60" });
    const ip = randomIp();
    const { limited } = await untilLimited(() =>
      call("/health/ready", { headers: { "CF-Connecting-IP": ip } }),
    );
    await expectBudget429(limited, "client");
    expect((await call("/health/ready", { headers: { "CF-Connecting-IP": randomIp() } })).status).toBe(200);
  });

  it("liveness (GET /health) spends no budget: it answers while the address is limited elsewhere", async () => {
    const call = apiWithEnv({ RL_CLIENT: tight, RATE_LIMIT_POLICY: "client=3/60" });
    const ip = randomIp();
    const from = { headers: { "CF-Connecting-IP": ip } };
    // More liveness probes than two windows' budgets hold: none is charged, so the budget is intact...
    for (let i = 0; i < 8; i += 1) {
      const health = await call("/health", from);
      expect(health.status).toBe(200);
      expect(health.headers.get("ratelimit-policy")).toBeNull();
    }
    expect((await call("/health/ready", from)).status).toBe(200);
    // ...and once the address is limited on every other route, liveness still answers.
    const { limited } = await untilLimited(() => call("/health/ready", from));
    await expectBudget429(limited, "client");
    expect((await call("/health", from)).status).toBe(200);
    expect((await call("/health", { ...from, method: "HEAD" })).status).toBe(200);
  });

  it("per account, whatever address the requests come from", async () => {
    const call = apiWithEnv({ RL_ACCOUNT: tight, RATE_LIMIT_POLICY: "account=3/60" });
    const user = await registerUser();
    const { limited } = await untilLimited(() =>
      call("/notes", { headers: { ...bearer(user.tokens.access_token), "CF-Connecting-IP": randomIp() } }),
    );
    await expectBudget429(limited, "account");
  });

  it("searches have their own budget; plain listing still works", async () => {
    const call = apiWithEnv({ RL_SEARCH: tight, RATE_LIMIT_POLICY: "search=3/60" });
    const client = await noteClient();
    const { limited } = await untilLimited(() => call("/notes?q=zq", { headers: client.auth }));
    await expectBudget429(limited, "search");
    expect((await call("/notes", { headers: client.auth })).status).toBe(200);
  });

  it("CSV exports have their own budget", async () => {
    const call = apiWithEnv({ RL_EXPORT: tight, RATE_LIMIT_POLICY: "export=3/60" });
    const { owner, poll } = await ownerWithPoll();
    const { limited } = await untilLimited(() =>
      call(`/polls/${poll.id}/results.csv`, { headers: bearer(owner.tokens.access_token) }),
    );
    await expectBudget429(limited, "export");
  });

  it("votes have their own budget per address", async () => {
    const voteFrom = voterUnderTightBudget();
    const ip = randomIp();
    const { limited } = await untilLimited(() => voteFrom(ip));
    await expectBudget429(limited, "vote");
  });

  it("an IPv6 /64 is one address: rotating inside it shares the budget, another /64 does not", async () => {
    const voteFrom = voterUnderTightBudget();
    const net = randomIpv6Net();
    let host = 0;
    const { limited } = await untilLimited(() => {
      host += 1;
      return voteFrom(`${net}:${host.toString(16)}:${(host * 7).toString(16)}:0:${host}`);
    });
    await expectBudget429(limited, "vote");
    expect((await voteFrom(`${randomIpv6Net()}::${host}`)).status).toBe(201);
  });
});

describe("search is bounded", () => {
  it("at most search_slots searches of one account run at once (429, then fine again)", async () => {
    const client = await noteClient();
    const figures = parsePolicyFigures(
      (env as { RATE_LIMIT_POLICY?: string }).RATE_LIMIT_POLICY,
    ).search_slots;
    const slots = env.RATE_LIMITER.getByName(
      await limiterObjectName("search_slots", figures, client.user.tokens.user.id),
    );
    const held = [await slots.acquireSlot(2, 60_000), await slots.acquireSlot(2, 60_000)];
    const refused = await client.get("/notes?q=zq");
    const problem = await expectProblem(refused, 429, "rate-limited");
    expect(problem.detail).toMatch(/at once/);
    for (const lease of held) await slots.releaseSlot(lease as string);
    expect((await client.get("/notes?q=zq")).status).toBe(200);
    // A finished search gives its slot back: many in a row never trip the bound.
    for (let i = 0; i < 5; i += 1) expect((await client.get("/notes?q=zq")).status).toBe(200);
  });

  // PGlite runs in one wasm thread without timers for statement_timeout: PostgreSQL only.
  it.skipIf(inject("databaseKind") === "pglite")(
    "a search past its statement budget is cancelled and answered 503, not left running",
    async () => {
      const client = await noteClient();
      const content = "lorem ipsum ".repeat(8 * 1024);
      for (let i = 0; i < 20; i += 1) await client.create({ title: `n ${i}`, content });
      const call = apiWithEnv({ SEARCH_STATEMENT_TIMEOUT_MS: "1" });
      const response = await call("/notes?q=zq", { headers: client.auth });
      const problem = await expectProblem(response, 503, "dependency-unavailable");
      expect(problem.detail).toMatch(/budget/);
      // The shorter budget was local to that transaction: the next request is unaffected.
      expect((await client.get("/notes?q=zq")).status).toBe(200);
    },
  );
});
