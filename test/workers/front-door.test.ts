import { describe, expect, it } from "vitest";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { setUpstreamMode, uniqueLogin } from "../helpers/github.ts";

const HTML = { Accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
/** Nothing listens on the discard port: the connection fails before GitHub could say anything. */
const UNREACHABLE_GITHUB = "http://127.0.0.1:9";

describe("the front door, GET /", () => {
  it("gives a browser a page linking every product, the docs and the document", async () => {
    const response = await api("/", { headers: HTML });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(response.headers.get("vary")).toMatch(/accept/i);
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    const html = await response.text();
    for (const href of ["/status", "/gh", "/p", "/docs", "/openapi.json", "/favicon.svg"])
      expect(html, href).toContain(`href="${href}"`);
  });

  it("gives any other client a JSON index of the same links, privately cacheable", async () => {
    for (const accept of [undefined, "*/*", "application/json"]) {
      const response = await api("/", { headers: accept ? { Accept: accept } : {} });
      expect(response.status, String(accept)).toBe(200);
      expect(response.headers.get("vary")).toMatch(/accept/i);
      expect(response.headers.get("cache-control")).toBe("private, max-age=300");
      const body = (await response.json()) as { name: string; links: Array<{ rel: string; href: string }> };
      expect(body.name).toBe("devhub-api");
      expect(body.links.map((link) => link.href)).toEqual(
        expect.arrayContaining(["/openapi.json", "/docs", "/status", "/health", "/gh", "/p"]),
      );
    }
  });

  it("refuses a client that accepts neither with 406", async () => {
    await expectProblem(await api("/", { headers: { Accept: "image/png" } }), 406, "not-acceptable");
  });

  it("leaves the docs out of both where the docs page is switched off", async () => {
    const call = apiWithEnv({ DOCS_ENABLED: "false" });
    const index = (await (await call("/")).json()) as { links: Array<{ href: string }> };
    expect(index.links.map((link) => link.href)).not.toContain("/docs");
    const html = await (await call("/", { headers: HTML })).text();
    expect(html).not.toContain('href="/docs');
  });
});

describe("/gh and /p, the lookup pages", () => {
  it("/gh shows a username box and sends a valid username on to its profile", async () => {
    const page = await api("/gh", { headers: HTML });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(
      /<form class="lookup" method="get" action="\/gh">[\s\S]*name="username"/,
    );
    const go = await api("/gh?username=%40Octocat", { redirect: "manual" });
    expect(go.status).toBe(303);
    expect(go.headers.get("location")).toBe("/gh/Octocat");
  });

  it("/gh answers an invalid username with 422 and the input escaped back", async () => {
    const response = await api(`/gh?username=${encodeURIComponent('<script>alert("x")</script>')}`);
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain('<script>alert("x")');
  });

  it("/p explains polls and opens one from a pasted link or id", async () => {
    const page = await api("/p", { headers: HTML });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("POST /polls");
    const id = "01a250d6-8a23-79f8-a6f9-b3bc73ed2c19";
    for (const pasted of [id, `https://devhub.example/p/${id.toUpperCase()}?x=1`]) {
      const go = await api(`/p?poll=${encodeURIComponent(pasted)}`, { redirect: "manual" });
      expect(go.status, pasted).toBe(303);
      expect(go.headers.get("location")).toBe(`/p/${id}`);
    }
    expect((await api("/p?poll=not-a-poll")).status).toBe(422);
  });
});

describe("GitHub failures say whose they are", () => {
  it("a connection that fails before GitHub answers is this server's network, on the page and in the API", async () => {
    const call = apiWithEnv({ GITHUB_API_URL: UNREACHABLE_GITHUB });
    const login = uniqueLogin();
    const page = await call(`/gh/${login}`, { headers: HTML });
    expect(page.status).toBe(502);
    const html = await page.text();
    expect(html).toContain("GitHub is unreachable from this server");
    expect(html).toContain("could not reach GitHub");
    expect(html).not.toContain("GitHub is failing");
    const problem = await expectProblem(await call(`/github/users/${login}`), 502, "bad-gateway");
    expect(problem.detail).toContain("could not reach GitHub");
  });

  it("GitHub answering 5xx is still GitHub failing", async () => {
    const login = uniqueLogin();
    await setUpstreamMode(login, { mode: "error500" });
    const page = await api(`/gh/${login}`, { headers: HTML });
    expect(page.status).toBe(502);
    const html = await page.text();
    expect(html).toContain("GitHub is unavailable");
    expect(html).toContain("GitHub is failing");
    expect(html).not.toContain("could not reach GitHub");
  });
});

describe("the GitHub page agrees with itself", () => {
  it("leaves forks out of the table, the totals and the chart alike, and says how many", async () => {
    const login = uniqueLogin(12); // the stand-in makes every fifth repository a fork: 2 of 12
    const html = await (await api(`/gh/${login}`, { headers: HTML })).text();
    const rows = [...html.matchAll(/<tr data-name="[^"]*" data-stars="(\d+)"/g)];
    const tile = (label: string) => Number(new RegExp(`<dt>${label}</dt><dd>(\\d+)</dd>`).exec(html)?.[1]);
    expect(rows.length).toBe(10);
    expect(tile("Own repositories")).toBe(rows.length);
    expect(tile("Total stars")).toBe(rows.reduce((sum, row) => sum + Number(row[1]), 0));
    const chart = JSON.parse(
      /<script type="application\/json" id="language-data">([^<]*)<\/script>/.exec(html)?.[1] ?? "[]",
    );
    const languages = [...html.matchAll(/<td data-language="([^"]*)"/g)].map((match) => match[1]);
    for (const entry of chart as Array<{ language: string; repositories: number }>)
      expect(languages.filter((language) => language === entry.language).length, entry.language).toBe(
        entry.repositories,
      );
    expect(html).toContain("2 forks are left out");
    expect(html).not.toContain("Cached data:");
    expect(html).toMatch(/id="cache-status" data-state="miss"[^>]*>Fetched from GitHub just now\./);
  });
});
