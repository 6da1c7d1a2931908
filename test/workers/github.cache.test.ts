import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { GithubProfile, RepoList } from "../../src/routes/github/github.schemas.ts";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { ageCacheEntry, cacheEntry, setUpstreamMode, uniqueLogin, upstreamStats } from "../helpers/github.ts";
import { captureLogs } from "../helpers/logs.ts";

const firstPage = (login: string) => `/users/${login}/repos?per_page=100&page=1`;
const token = (env as unknown as { GITHUB_TOKEN: string }).GITHUB_TOKEN;
/** Runs the app with background work awaited, so revalidation effects are visible at once. */
const call = apiWithEnv({});

describe("cache paths", () => {
  it("miss, then hit without an upstream call", async () => {
    const login = uniqueLogin();
    const first = await call(`/github/users/${login}/repos`);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-status")).toBe("miss");
    expect((await upstreamStats(login)).requests).toBe(1);
    const second = await call(`/github/users/${login}/repos`);
    expect(second.headers.get("cache-status")).toBe("hit");
    expect(Number(second.headers.get("age"))).toBeGreaterThanOrEqual(0);
    expect(await second.json()).toEqual(await first.json());
    expect((await upstreamStats(login)).requests).toBe(1);
  });

  it("serves a stale entry at once and revalidates in the background with If-None-Match (304)", async () => {
    const login = uniqueLogin();
    await call(`/github/users/${login}/repos`);
    await ageCacheEntry(firstPage(login), 600);
    const before = (await cacheEntry(firstPage(login)))?.fetchedAt ?? 0;
    const stale = await call(`/github/users/${login}/repos`);
    expect(stale.status).toBe(200);
    expect(stale.headers.get("cache-status")).toBe("stale");
    expect(Number(stale.headers.get("age"))).toBeGreaterThanOrEqual(600);
    const stats = await upstreamStats(login);
    expect(stats.requests).toBe(2);
    expect(stats.conditional).toBe(1);
    expect(stats.notModified).toBe(1);
    expect((await cacheEntry(firstPage(login)))?.fetchedAt).toBeGreaterThan(before + 500_000);
    expect((await call(`/github/users/${login}/repos`)).headers.get("cache-status")).toBe("hit");
  });

  it("picks up changed data when GitHub answers the revalidation with 200", async () => {
    const login = uniqueLogin(1);
    await call(`/github/users/${login}/repos`);
    await setUpstreamMode(login, { bump: true });
    await ageCacheEntry(firstPage(login), 600);
    await call(`/github/users/${login}/repos`);
    const fresh = (await (await call(`/github/users/${login}/repos`)).json()) as RepoList;
    expect(fresh.items[0]?.pushed_at).toBe("2024-03-01T10:01:00Z");
  });

  it("Cache-Control: no-cache revalidates before answering ('revalidated')", async () => {
    const login = uniqueLogin();
    await call(`/github/users/${login}/repos`);
    const response = await call(`/github/users/${login}/repos`, { headers: { "Cache-Control": "no-cache" } });
    expect(response.headers.get("cache-status")).toBe("revalidated");
    expect((await upstreamStats(login)).notModified).toBe(1);
  });

  it("stale-if-error: a failing GitHub leaves the stale entry in service", async () => {
    for (const mode of ["error500", "malformed", "hang"]) {
      const login = uniqueLogin();
      await call(`/github/users/${login}/repos`);
      await setUpstreamMode(login, { mode });
      await ageCacheEntry(firstPage(login), 600);
      const stale = await call(`/github/users/${login}/repos`);
      expect(stale.status, mode).toBe(200);
      expect(stale.headers.get("cache-status"), mode).toBe("stale");
      const forced = await call(`/github/users/${login}/repos`, { headers: { "Cache-Control": "no-cache" } });
      expect(forced.status, mode).toBe(200);
      expect(forced.headers.get("cache-status"), mode).toBe("stale");
      expect((await upstreamStats(login)).requests, mode).toBeGreaterThanOrEqual(2);
    }
  });

  it("without a cached copy answers 502 / 504 problems", async () => {
    const cases: Array<[string, number, string]> = [
      ["error500", 502, "bad-gateway"],
      ["malformed", 502, "bad-gateway"],
      ["hang", 504, "gateway-timeout"],
    ];
    for (const [mode, status, slug] of cases) {
      const login = uniqueLogin();
      await setUpstreamMode(login, { mode });
      const started = Date.now();
      const problem = await expectProblem(await api(`/github/users/${login}/repos`), status, slug);
      expect(problem.dependency).toBe("github");
      expect(Date.now() - started).toBeLessThan(5000);
    }
  });

  it("caches a 404 briefly, so a typo costs one upstream call", async () => {
    const login = `ghost-${crypto.randomUUID().slice(0, 8)}`;
    await expectProblem(await call(`/github/users/${login}/repos`), 404, "not-found");
    await expectProblem(await call(`/github/users/${login}/repos`), 404, "not-found");
    expect((await upstreamStats(login)).requests).toBe(1);
    const entry = await cacheEntry(firstPage(login));
    expect(entry?.status).toBe(404);
  });

  it("shares one upstream request between concurrent misses", async () => {
    const login = uniqueLogin();
    await setUpstreamMode(login, { mode: "slow", delayMs: 300 });
    const responses = await Promise.all(
      Array.from({ length: 8 }, () => call(`/github/users/${login}/repos`)),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    expect((await upstreamStats(login)).requests).toBe(1);
  });

  it("answers If-None-Match with our own ETag as 304", async () => {
    const login = uniqueLogin();
    const first = await call(`/github/users/${login}/repos`);
    const etag = first.headers.get("etag") as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await call(`/github/users/${login}/repos`, { headers: { "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("cache-status")).toBe("hit");
  });
});

describe("shaping and pagination", () => {
  it("follows Link rel=next across pages and applies sort, filters and limit", async () => {
    const login = uniqueLogin(250);
    const all = (await (
      await call(`/github/users/${login}/repos?include_forks=true&limit=1000`)
    ).json()) as RepoList;
    expect(all.pages_fetched).toBe(3);
    expect(all.truncated).toBe(false);
    expect(all.items).toHaveLength(250);
    const owned = (await (await call(`/github/users/${login}/repos?limit=1000`)).json()) as RepoList;
    expect(owned.items.every((repo) => !repo.fork)).toBe(true);
    expect(owned.total).toBe(200);
    const byStars = (await (
      await call(`/github/users/${login}/repos?sort=stars&limit=5`)
    ).json()) as RepoList;
    const stars = byStars.items.map((repo) => repo.stars);
    expect(stars).toEqual([...stars].sort((a, b) => b - a));
    expect(byStars.items).toHaveLength(5);
    const rust = (await (
      await call(`/github/users/${login}/repos?language=rust&limit=1000`)
    ).json()) as RepoList;
    expect(rust.items.length).toBeGreaterThan(0);
    expect(rust.items.every((repo) => repo.language === "Rust")).toBe(true);
    const byName = (await (await call(`/github/users/${login}/repos?sort=name&limit=3`)).json()) as RepoList;
    expect(byName.items.map((repo) => repo.name)).toEqual(["repo-0000", "repo-0001", "repo-0002"]);
    expect((await upstreamStats(login)).requests).toBe(3);
  });

  it("stops at the page cap and says the list is truncated", async () => {
    const login = uniqueLogin(250);
    const capped = apiWithEnv({ GITHUB_MAX_PAGES: "2" });
    const body = (await (
      await capped(`/github/users/${login}/repos?include_forks=true&limit=1000`)
    ).json()) as RepoList;
    expect(body.pages_fetched).toBe(2);
    expect(body.truncated).toBe(true);
    expect(body.items).toHaveLength(200);
  });

  it("returns the clean repository shape", async () => {
    const response = await call("/github/repos/octokit-fixture-org/hello-world");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      name: "hello-world",
      full_name: "octokit-fixture-org/hello-world",
      description: null,
      language: null,
      stars: 42,
      forks: 42,
      open_issues: 42,
      url: "https://github.com/octokit-fixture-org/hello-world",
      homepage: null,
      topics: ["fixtures", "hello", "hello-world"],
      fork: false,
      archived: false,
      created_at: "2017-10-10T16:00:00Z",
      updated_at: "2017-10-10T16:00:00Z",
      pushed_at: "2017-10-10T16:00:00Z",
    });
  });

  it("summarises a profile with totals and top languages over the user's own repositories", async () => {
    const login = uniqueLogin(20);
    const response = await call(`/github/users/${login}`);
    expect(response.status).toBe(200);
    const profile = (await response.json()) as GithubProfile;
    const repos = (await (await call(`/github/users/${login}/repos?limit=1000`)).json()) as RepoList;
    expect(profile.login).toBe(login);
    expect(profile.public_repos).toBe(20);
    expect(profile.aggregates.repositories_counted).toBe(repos.total);
    expect(profile.aggregates.total_stars).toBe(repos.items.reduce((sum, repo) => sum + repo.stars, 0));
    const counts = new Map<string, number>();
    for (const repo of repos.items)
      if (repo.language) counts.set(repo.language, (counts.get(repo.language) ?? 0) + 1);
    const [topLanguage, topCount] =
      [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? [];
    expect(profile.aggregates.top_languages[0]).toEqual({ language: topLanguage, repositories: topCount });
    expect(profile.aggregates.total_forks).toBe(
      repos.items.reduce((sum, repo) => sum + (repo.forks as number), 0),
    );
  });
});

describe("input and secrets", () => {
  it.each(["-leading", "trailing-", "dou--ble", "a".repeat(40), "under_score", "sp ace", "dot.ted"])(
    "rejects the username %j with 422 before any upstream call",
    async (name) => {
      const problem = await expectProblem(
        await api(`/github/users/${encodeURIComponent(name)}/repos`),
        422,
        "validation-failed",
      );
      expect(problem.errors?.[0]?.path).toBe("path.username");
      expect((await upstreamStats(name)).requests).toBe(0);
    },
  );

  it("accepts edge-valid usernames", async () => {
    for (const name of ["a", `r1-${"b".repeat(36)}`]) {
      expect((await call(`/github/users/${name}/repos`)).status, name).toBe(200);
    }
  });

  it("sends the token, User-Agent and API version upstream and never echoes the token", async () => {
    const lines = captureLogs();
    const login = uniqueLogin();
    await setUpstreamMode(login, { mode: "error500" });
    const verbose = apiWithEnv({ LOG_LEVEL: "debug" });
    const failed = await verbose(`/github/users/${login}/repos`);
    await setUpstreamMode(login, { mode: "ok" });
    const ok = await verbose(`/github/users/${login}/repos`);
    const stats = await upstreamStats(login);
    expect(stats.authorization).toBe(`Bearer ${token}`);
    expect(stats.userAgent).toMatch(/^devhub-api\//);
    for (const response of [failed, ok]) {
      const text = await response.text();
      expect(text).not.toContain(token);
      expect(JSON.stringify([...response.headers])).not.toContain(token);
    }
    expect(lines.join("\n")).not.toContain(token);
  });
});
