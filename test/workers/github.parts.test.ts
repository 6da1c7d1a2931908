import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { GITHUB_TTL_SECONDS } from "../../src/routes/github/github.ttl.ts";
import type { Stats } from "../../src/routes/system/stats.routes.ts";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { randomIp } from "../helpers/auth.ts";
import { ageCacheEntry, cacheEntry, setUpstreamMode, uniqueLogin, upstreamStats } from "../helpers/github.ts";

/** Background revalidations awaited, so their effect is visible at once. */
const call = apiWithEnv({});
const DEFAULT_TTL = 300;

/** Each new route: its URL for a login, the upstream path it caches, and that path's TTL. */
const ROUTES = [
  {
    name: "organisation",
    url: (o: string) => `/github/orgs/${o}`,
    upstream: (o: string) => `/orgs/${o}`,
    ttl: GITHUB_TTL_SECONDS.organisation,
  },
  {
    name: "organisation repositories",
    url: (o: string) => `/github/orgs/${o}/repos`,
    upstream: (o: string) => `/orgs/${o}/repos?per_page=100&page=1`,
    ttl: DEFAULT_TTL,
  },
  {
    name: "contributors",
    url: (o: string) => `/github/repos/${o}/repo-0001/contributors`,
    upstream: (o: string) => `/repos/${o}/repo-0001/contributors?per_page=100`,
    ttl: GITHUB_TTL_SECONDS.contributors,
  },
  {
    name: "releases",
    url: (o: string) => `/github/repos/${o}/repo-0001/releases`,
    upstream: (o: string) => `/repos/${o}/repo-0001/releases?per_page=30`,
    ttl: GITHUB_TTL_SECONDS.releases,
  },
  {
    name: "latest release",
    url: (o: string) => `/github/repos/${o}/repo-0001/releases/latest`,
    upstream: (o: string) => `/repos/${o}/repo-0001/releases/latest`,
    ttl: GITHUB_TTL_SECONDS.releases,
  },
  {
    name: "readme",
    url: (o: string) => `/github/repos/${o}/repo-0001/readme`,
    upstream: (o: string) => `/repos/${o}/repo-0001/readme`,
    ttl: GITHUB_TTL_SECONDS.readme,
  },
  {
    name: "stars",
    url: (o: string) => `/github/stars?repos=${o}/repo-0001`,
    upstream: (o: string) => `/repos/${o}/repo-0001`,
    ttl: DEFAULT_TTL,
  },
];

/** Every tag is one the renderer writes, with no attribute but href, rel and class. */
function expectOnlyOwnMarkup(html: string) {
  const allowed = new Set([
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "a",
    "strong",
    "em",
    "hr",
  ]);
  for (const [tag, name, attributes] of html.matchAll(/<\/?([a-zA-Z0-9]+)([^>]*)>/g)) {
    expect(allowed.has(name?.toLowerCase() ?? ""), tag).toBe(true);
    expect(attributes, tag).toMatch(/^(\s+(href|rel|class)="[^"<>]*")*$/);
  }
}

describe("organisation and repository-part routes", () => {
  it.each(ROUTES.map((route) => [route.name, route] as const))(
    "%s: miss, hit, then a 304 revalidation past its TTL that costs no quota",
    async (_name, route) => {
      const login = uniqueLogin(3);
      const miss = await call(route.url(login));
      expect(miss.status, await miss.clone().text()).toBe(200);
      expect(miss.headers.get("cache-status")).toBe("miss");
      expect(miss.headers.get("x-github-upstream-calls")).toBe("1");
      expect(Number(miss.headers.get("x-github-quota-remaining"))).toBeGreaterThanOrEqual(0);
      const hit = await call(route.url(login));
      expect(hit.headers.get("cache-status")).toBe("hit");
      expect(hit.headers.get("x-github-upstream-calls")).toBe("0");
      expect(await hit.text()).toBe(await miss.text());

      // Just inside the TTL: still fresh. Just past it: stale, revalidated with If-None-Match → 304.
      await ageCacheEntry(route.upstream(login), route.ttl - 30);
      expect((await call(route.url(login))).headers.get("cache-status")).toBe("hit");
      await ageCacheEntry(route.upstream(login), 60);
      const stale = await call(route.url(login));
      expect(stale.headers.get("cache-status")).toBe("stale");
      const stats = await upstreamStats(login);
      expect(stats).toMatchObject({ requests: 2, conditional: 1, notModified: 1 });
      expect((await cacheEntry(route.upstream(login)))?.fetchedAt).toBeGreaterThan(Date.now() - 10_000);

      const forced = await call(route.url(login), { headers: { "Cache-Control": "no-cache" } });
      expect(forced.headers.get("cache-status")).toBe("revalidated");
      expect(forced.headers.get("x-github-upstream-calls")).toBe("1");
      expect((await upstreamStats(login)).notModified).toBe(2);
    },
  );

  it("shapes each answer from the recorded shapes", async () => {
    const login = uniqueLogin(3);
    const org = (await (await call(`/github/orgs/${login}`)).json()) as Record<string, unknown>;
    expect(org).toMatchObject({ login, public_repos: 3, url: `https://github.com/${login}` });
    const repos = (await (await call(`/github/orgs/${login}/repos?sort=name`)).json()) as {
      org: string;
      items: Array<{ full_name: string }>;
    };
    expect(repos.items.map((repo) => repo.full_name)).toEqual([
      `${login}/repo-0000`,
      `${login}/repo-0001`,
      `${login}/repo-0002`,
    ]);
    const people = (await (await call(`/github/repos/${login}/repo-0001/contributors`)).json()) as {
      items: Array<{ login: string; contributions: number }>;
    };
    expect(people.items).toHaveLength(5);
    expect(people.items[0]).toMatchObject({ login: `${login}-dev-0`, contributions: 500 });
    const releases = (await (await call(`/github/repos/${login}/repo-0001/releases`)).json()) as {
      items: Array<{ tag: string; prerelease: boolean; author: string }>;
    };
    expect(releases.items.map((release) => release.tag)).toEqual(["v1.9.0", "v1.8.0", "v1.7.0"]);
    expect(releases.items[0]?.author).toBe("octokit-fixture-user-a");
    const latest = (await (await call(`/github/repos/${login}/repo-0001/releases/latest`)).json()) as {
      tag: string;
    };
    expect(latest.tag).toBe("v1.9.0");
    const readme = (await (await call(`/github/repos/${login}/repo-0001/readme`)).json()) as {
      markdown: string;
      html: string;
    };
    expect(readme.markdown).toContain("# Hello World");
    expect(readme.html).toContain("<h1>Hello World</h1>");
    expect(readme.html).toContain(
      '<a href="https://example.com/docs" rel="nofollow noopener noreferrer">the docs</a>',
    );
    const stars = (await (
      await call(`/github/stars?repos=${login}/repo-0001,${login}/repo-0002,${login}/nope,${login}/REPO-0001`)
    ).json()) as { total: number; items: Array<{ repository: string; stars: number | null }> };
    expect(stars.items).toEqual([
      { repository: `${login}/repo-0001`, stars: 37 },
      { repository: `${login}/repo-0002`, stars: 74 },
      { repository: `${login}/nope`, stars: null },
    ]);
    expect(stars.total).toBe(111);
  });

  it("answers 404 problems for a missing organisation, repository or release, and 422 for bad input", async () => {
    await expectProblem(
      await call(`/github/orgs/ghost-${crypto.randomUUID().slice(0, 8)}`),
      404,
      "not-found",
    );
    const login = uniqueLogin(2);
    await expectProblem(await call(`/github/repos/${login}/repo-0009/readme`), 404, "not-found");
    await setUpstreamMode(login, { releases: 0 });
    await expectProblem(await call(`/github/repos/${login}/repo-0001/releases/latest`), 404, "not-found");
    const many = Array.from({ length: 21 }, (_, i) => `${login}/repo-${i}`).join(",");
    const tooMany = await call(`/github/stars?repos=${many}`);
    expect(tooMany.status).toBe(422);
    expect((await call("/github/stars?repos=not-a-repo")).status).toBe(422);
    expect((await call("/github/stars?repos=a/..")).status).toBe(422);
  });

  it("keeps hostile upstream data bounded, and the README's HTML free of markup from upstream", async () => {
    const login = uniqueLogin(2);
    await setUpstreamMode(login, { hostile: true, contributors: 250 });
    const readme = (await (await call(`/github/repos/${login}/repo-0001/readme`)).json()) as {
      markdown: string;
      html: string;
    };
    expect(readme.markdown).toContain("<script>");
    expectOnlyOwnMarkup(readme.html);
    expect(readme.html).not.toMatch(/href="(?!https:)/);
    expect(readme.html).toContain("bad link");
    expect(readme.html).toContain("&lt;script&gt;alert(&#39;readme&#39;)&lt;/script&gt;");
    expect(readme.html).toContain('<a href="https://example.com/a?b=1&amp;c=2"');
    const releases = (await (await call(`/github/repos/${login}/repo-0001/releases`)).json()) as {
      items: Array<{ name: string }>;
    };
    expect(Array.from(releases.items[0]?.name ?? "").length).toBe(200);
    const people = (await (await call(`/github/repos/${login}/repo-0001/contributors`)).json()) as {
      items: unknown[];
      truncated: boolean;
    };
    expect(people).toMatchObject({ truncated: true });
    expect(people.items).toHaveLength(100);
    const org = (await (await call(`/github/orgs/${login}`)).json()) as { name: string };
    expect(Array.from(org.name).length).toBe(1000);
  });

  it("charges each upstream call to the caller's github budget: a cache hit is free, the call past it is a 429", async () => {
    const tight = (env as unknown as { RL_TEST_TIGHT: RateLimit }).RL_TEST_TIGHT;
    const suite = (env as unknown as { RATE_LIMIT_POLICY: string }).RATE_LIMIT_POLICY;
    const limited = apiWithEnv({ RL_GITHUB: tight, RATE_LIMIT_POLICY: `${suite},github=3/60` });
    const ip = { "CF-Connecting-IP": randomIp() };
    const login = uniqueLogin(3);
    // Three repositories in one call: three upstream calls, the whole budget.
    const first = await limited(
      `/github/stars?repos=${login}/repo-0000,${login}/repo-0001,${login}/repo-0002`,
      { headers: ip },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get("x-github-upstream-calls")).toBe("3");
    const again = await limited(`/github/stars?repos=${login}/repo-0000`, { headers: ip });
    expect(again.status).toBe(200);
    expect(again.headers.get("x-github-upstream-calls")).toBe("0");
    const refused = await limited(`/github/repos/${login}/repo-0001/readme`, { headers: ip });
    await expectProblem(refused, 429, "rate-limited");
    expect(refused.headers.get("x-github-upstream-calls")).toBe("0");
    expect((await upstreamStats(login)).requests).toBe(3);
  });

  it("/stats counts upstream calls by route", async () => {
    const read = async () => (await (await api("/stats")).json()) as Stats;
    const route = "GET /github/repos/:owner/:repo/contributors";
    const before = (await read()).routes[route]?.upstream_calls ?? 0;
    const login = uniqueLogin(2);
    await api(`/github/repos/${login}/repo-0000/contributors`);
    await api(`/github/repos/${login}/repo-0000/contributors`);
    await api(`/github/repos/${login}/repo-0001/contributors`);
    const after = await read();
    expect((after.routes[route]?.upstream_calls ?? 0) - before).toBe(2);
    expect(after.routes[route]?.requests).toBeGreaterThanOrEqual(3);
    expect(after.github.upstream_calls_by_route[route]).toBe(after.routes[route]?.upstream_calls);
  });
});
