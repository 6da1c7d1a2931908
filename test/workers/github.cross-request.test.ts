import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers/api.ts";
import { setUpstreamMode, uniqueLogin, upstreamStats } from "../helpers/github.ts";

/**
 * Each call below is its own request through the worker's default export, as in production:
 * workerd refuses to let one request await a promise whose I/O belongs to another, so the
 * cache may share only plain values between requests.
 */
describe("GitHub cache across requests", () => {
  it("a cached 404 stays a 404 when the next request sends Cache-Control: no-cache", async () => {
    const login = `ghost-${crypto.randomUUID().slice(0, 8)}`;
    await expectProblem(await api(`/github/users/${login}`), 404, "not-found");
    await expectProblem(
      await api(`/github/users/${login}`, { headers: { "Cache-Control": "no-cache" } }),
      404,
      "not-found",
    );
    await expectProblem(await api(`/github/users/${login}/repos`), 404, "not-found");
    await expectProblem(
      await api(`/github/users/${login}/repos`, { headers: { "Cache-Control": "no-cache" } }),
      404,
      "not-found",
    );
  });

  it("concurrent misses in separate requests all succeed and share one upstream request", async () => {
    const login = uniqueLogin();
    await setUpstreamMode(login, { mode: "slow", delayMs: 300 });
    const responses = await Promise.all(Array.from({ length: 6 }, () => api(`/github/users/${login}/repos`)));
    for (const response of responses) expect(response.status, await response.text()).toBe(200);
    expect((await upstreamStats(login)).requests).toBe(1);
  });
});
