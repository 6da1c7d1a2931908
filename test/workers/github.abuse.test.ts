import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { RATE_LIMIT_KEY, resetRateLimitMemory } from "../../src/github-client/rate-limit-state.ts";
import { apiWithEnv, expectProblem } from "../helpers/api.ts";
import { randomIp } from "../helpers/auth.ts";
import { setUpstreamMode, uniqueLogin, upstreamStats } from "../helpers/github.ts";

const call = apiWithEnv({});
const tight = (env as unknown as { RL_TEST_TIGHT: RateLimit }).RL_TEST_TIGHT;

/** The back-off is shared state (KV + isolate memory); each test starts without one. */
afterEach(async () => {
  await env.CACHE.delete(RATE_LIMIT_KEY);
  resetRateLimitMemory();
});

interface BlockState {
  blockedUntil: number;
}

describe("hostile upstream rate-limit hints are clamped to 1 s – 1 h", () => {
  it.each([
    [
      "x-ratelimit-reset in year 5138",
      { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "99999999999" },
      3600,
    ],
    ["retry-after: 1e12", { "retry-after": "1e12" }, 3600],
    ["retry-after: -5", { "retry-after": "-5" }, 1],
  ])("%s", async (_label, headers, expected) => {
    const login = uniqueLogin();
    await setUpstreamMode(login, { mode: "custom_limit", headers });
    const response = await call(`/github/users/${login}/repos`);
    await expectProblem(response, 503, "dependency-unavailable");
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(Math.max(1, expected - 2));
    expect(retryAfter).toBeLessThanOrEqual(expected);
    const state = await env.CACHE.get<BlockState>(RATE_LIMIT_KEY, "json");
    expect(state?.blockedUntil).toBeLessThanOrEqual(Date.now() + 3600 * 1000);
  });

  it("a block whose KV record is gone does not come back from isolate memory", async () => {
    const login = uniqueLogin();
    await setUpstreamMode(login, { mode: "custom_limit", headers: { "retry-after": "600" } });
    await expectProblem(await call(`/github/users/${login}/repos`), 503, "dependency-unavailable");
    await env.CACHE.delete(RATE_LIMIT_KEY);
    // Past the isolate's 2 s read cache: KV is asked again and says "no block".
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const other = uniqueLogin();
    expect((await call(`/github/users/${other}/repos`)).status).toBe(200);
  });
});

describe("upstream faults are 502/504, never 500", () => {
  it.each([
    ["a body that stalls after the headers", "stall_body", 504, "gateway-timeout"],
    ["a connection lost mid-body", "cut_body", 502, "bad-gateway"],
    ["a repository list containing null", "null_repo", 502, "bad-gateway"],
  ])("%s", async (_label, mode, status, slug) => {
    const login = uniqueLogin();
    await setUpstreamMode(login, { mode });
    await expectProblem(await call(`/github/users/${login}/repos`), status, slug);
  });

  it("a body over GITHUB_MAX_BODY_BYTES is cut off at the cap (502) instead of read whole", async () => {
    const login = uniqueLogin();
    await setUpstreamMode(login, { mode: "huge_body", bodyBytes: 50 * 1024 * 1024 });
    const capped = apiWithEnv({ GITHUB_MAX_BODY_BYTES: String(256 * 1024) });
    const started = Date.now();
    const problem = await expectProblem(await capped(`/github/users/${login}/repos`), 502, "bad-gateway");
    expect(problem.detail).toMatch(/larger/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it("all pages of one request share one deadline (GITHUB_DEADLINE_MS)", async () => {
    const login = uniqueLogin(1000);
    await setUpstreamMode(login, { mode: "slow", delayMs: 300 });
    const bounded = apiWithEnv({ GITHUB_DEADLINE_MS: "800" });
    const started = Date.now();
    await expectProblem(await bounded(`/github/users/${login}/repos`), 504, "gateway-timeout");
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await upstreamStats(login)).requests).toBeLessThanOrEqual(3);
  });
});

describe("per-client GitHub budget", () => {
  it("one address cannot spend the shared token: upstream calls stop at its budget (429)", async () => {
    const limited = apiWithEnv({ RL_GITHUB: tight, RATE_LIMIT_POLICY: "github=3/60" });
    const ip = randomIp();
    const logins = Array.from({ length: 10 }, () => uniqueLogin());
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (const login of logins) {
      const response = await limited(`/github/users/${login}/repos`, { headers: { "CF-Connecting-IP": ip } });
      statuses.push(response.status);
      if (response.status === 429) refused = response;
      else await response.body?.cancel();
    }
    const upstream = (await Promise.all(logins.map((login) => upstreamStats(login)))).reduce(
      (sum, stats) => sum + stats.requests,
      0,
    );
    // 3 per clock-aligned minute: at most 6 if the test straddles a window boundary.
    expect(upstream).toBeLessThanOrEqual(6);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(4);
    await expectProblem(refused as Response, 429, "rate-limited");
    expect(Number(refused?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused?.headers.get("ratelimit-policy")).toContain('"github";q=3;w=60');

    const elsewhere = await limited(`/github/users/${uniqueLogin()}/repos`, {
      headers: { "CF-Connecting-IP": randomIp() },
    });
    expect(elsewhere.status).toBe(200);
  });
});
