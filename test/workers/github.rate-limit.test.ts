import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it } from "vitest";
import { RATE_LIMIT_KEY, resetRateLimitMemory } from "../../src/github-client/rate-limit-state.ts";
import { apiWithEnv, expectProblem } from "../helpers/api.ts";
import { ageCacheEntry, setUpstreamMode, uniqueLogin, upstreamStats } from "../helpers/github.ts";

const call = apiWithEnv({});
const firstPage = (login: string) => `/users/${login}/repos?per_page=100&page=1`;

/** The back-off is shared state (KV + isolate memory); each test starts without one. */
afterEach(async () => {
  await env.CACHE.delete(RATE_LIMIT_KEY);
  resetRateLimitMemory();
});

describe("GitHub rate limits", () => {
  it("primary limit exhausted: 503 with Retry-After, then no upstream calls at all until reset", async () => {
    const limited = uniqueLogin();
    await setUpstreamMode(limited, { mode: "primary_limit", retryAfter: 120 });
    const response = await call(`/github/users/${limited}/repos`);
    const problem = await expectProblem(response, 503, "dependency-unavailable");
    expect(problem.dependency).toBe("github");
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(100);
    expect(retryAfter).toBeLessThanOrEqual(120);

    const other = uniqueLogin();
    await expectProblem(await call(`/github/users/${other}/repos`), 503, "dependency-unavailable");
    expect((await upstreamStats(other)).requests).toBe(0);
    expect((await upstreamStats(limited)).requests).toBe(1);

    const state = await env.CACHE.get<{ remaining: number; reason: string; blockedUntil: number }>(
      RATE_LIMIT_KEY,
      "json",
    );
    expect(state).toMatchObject({ remaining: 0, reason: "primary" });
    expect(state?.blockedUntil).toBeGreaterThan(Date.now() + 100_000);
  });

  it("serves stale entries while blocked, without calling GitHub", async () => {
    const login = uniqueLogin();
    await call(`/github/users/${login}/repos`);
    await ageCacheEntry(firstPage(login), 600);
    const trigger = uniqueLogin();
    await setUpstreamMode(trigger, { mode: "secondary_limit", retryAfter: 60 });
    await expectProblem(await call(`/github/users/${trigger}/repos`), 503, "dependency-unavailable");
    const before = (await upstreamStats(login)).requests;
    const stale = await call(`/github/users/${login}/repos`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("cache-status")).toBe("stale");
    expect((await upstreamStats(login)).requests).toBe(before);
  });

  it("secondary limit (429 + retry-after) blocks for retry-after seconds, then calls resume", async () => {
    const trigger = uniqueLogin();
    await setUpstreamMode(trigger, { mode: "secondary_limit", retryAfter: 1 });
    const response = await call(`/github/users/${trigger}/repos`);
    await expectProblem(response, 503, "dependency-unavailable");
    expect(response.headers.get("retry-after")).toBe("1");
    const waiting = uniqueLogin();
    await expectProblem(await call(`/github/users/${waiting}/repos`), 503, "dependency-unavailable");
    expect((await upstreamStats(waiting)).requests).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    resetRateLimitMemory();
    expect((await call(`/github/users/${waiting}/repos`)).status).toBe(200);
    expect((await upstreamStats(waiting)).requests).toBe(1);
  });
});
