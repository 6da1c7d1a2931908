import { describe, expect, it } from "vitest";
import type { PollResults } from "../../src/routes/polls/polls.schemas.ts";
import type { Stats } from "../../src/routes/system/stats.routes.ts";
import { api, apiWithEnv, expectProblem, ORIGIN } from "../helpers/api.ts";
import { randomIp, registerUser } from "../helpers/auth.ts";
import { uniqueLogin } from "../helpers/github.ts";
import { createPoll, twoQuestions } from "../helpers/polls.ts";

const call = apiWithEnv({});

/** The CSP's nonce, after checking the policy allows no script without it. */
function scriptNonce(response: Response): string {
  const csp = response.headers.get("content-security-policy") ?? "";
  expect(csp).toContain("default-src 'none'");
  expect(csp).not.toContain("unsafe-inline");
  const nonce = /script-src 'nonce-([A-Za-z0-9_-]{16,})' 'strict-dynamic'/.exec(csp)?.[1];
  expect(nonce).toBeDefined();
  return nonce as string;
}

/** Every <script> that runs carries the nonce; JSON data blocks are the only other kind. */
function expectScriptsNonced(html: string, nonce: string): void {
  const tags = html.match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length).toBeGreaterThan(0);
  for (const tag of tags)
    if (!tag.includes('type="application/json"')) expect(tag).toContain(`nonce="${nonce}"`);
}

const HOSTILE = `Best <script>alert("t")</script> & "friends"`;

function formPost(pollId: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return api(`/polls/${pollId}/ballot`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "CF-Connecting-IP": randomIp(),
      ...headers,
    },
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
}

async function anonymousPoll(overrides: Record<string, unknown> = {}) {
  const owner = await registerUser();
  const poll = await createPoll(owner, {
    ...twoQuestions({ title: HOSTILE, description: "<img src=x onerror=alert(1)>" }),
    voters: "anonymous",
    results_visibility: "always",
    ...overrides,
  });
  const fields = {
    [`q.${poll.questions[0]?.id}`]: poll.questions[0]?.choices[1]?.id as string,
    [`q.${poll.questions[1]?.id}`]: poll.questions[1]?.choices[0]?.id as string,
  };
  return { owner, poll, fields };
}

describe("poll page /p/:id", () => {
  it("escapes user content and sends a nonce CSP that every script carries", async () => {
    const { poll } = await anonymousPoll();
    const response = await api(`/p/${poll.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain(
      "Best &lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &quot;friends&quot;",
    );
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expectScriptsNonced(html, scriptNonce(response));
    const again = await api(`/p/${poll.id}`);
    expect(scriptNonce(again)).not.toBe(scriptNonce(response));
  });

  it("inlines results as meters only when anyone may see them", async () => {
    const open = await anonymousPoll();
    const shown = await (await api(`/p/${open.poll.id}`)).text();
    expect(shown).toContain('<meter min="0" max="100" value="0"');
    const hidden = await anonymousPoll({ results_visibility: "after_vote" });
    const html = await (await api(`/p/${hidden.poll.id}`)).text();
    expect(html).not.toContain("<meter");
    expect(html).toContain("Results are shown after you vote.");
  });

  it("answers 404 pages for unknown and malformed poll ids", async () => {
    for (const id of [crypto.randomUUID(), "not-a-uuid"]) {
      const response = await api(`/p/${id}`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(await response.text()).toContain("Poll not found");
    }
  });
});

describe("plain form vote POST /polls/:id/ballot", () => {
  it("records a same-origin vote, sets the voter cookie and redirects to the page", async () => {
    const { owner, poll, fields } = await anonymousPoll();
    const response = await formPost(poll.id, fields, { Origin: ORIGIN });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`/p/${poll.id}?outcome=voted#results`);
    const cookie = (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    expect(cookie).toMatch(/^dh_voter=/);
    const results = (await (
      await api(`/polls/${poll.id}/results`, {
        headers: { Authorization: `Bearer ${owner.tokens.access_token}` },
      })
    ).json()) as PollResults;
    expect(results.questions[0]?.choices[1]?.votes).toBe(1);
    const page = await (await api(`/p/${poll.id}?outcome=voted`)).text();
    expect(page).toContain("Your vote was recorded.");
    expect(page).toContain('value="100"');

    const twice = await formPost(poll.id, fields, { Origin: ORIGIN, Cookie: cookie });
    expect(twice.headers.get("location")).toBe(`/p/${poll.id}?outcome=already-voted#results`);
  });

  it("refuses cross-site posts and posts that say nothing about their origin", async () => {
    const { poll, fields } = await anonymousPoll();
    await expectProblem(
      await formPost(poll.id, fields, { Origin: "https://evil.example" }),
      403,
      "forbidden",
    );
    await expectProblem(
      await formPost(poll.id, fields, { "Sec-Fetch-Site": "cross-site" }),
      403,
      "forbidden",
    );
    await expectProblem(await formPost(poll.id, fields), 403, "forbidden");
    const json = await api(`/polls/${poll.id}/ballot`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: ORIGIN },
      body: "{}",
    });
    await expectProblem(json, 415, "unsupported-media-type");
    // The page never sends multipart; a malformed one must be a 4xx, not a parser crash (500).
    const multipart = await api(`/polls/${poll.id}/ballot`, {
      method: "POST",
      headers: { "Content-Type": "multipart/form-data", "Sec-Fetch-Site": "same-origin" },
      body: "x",
    });
    await expectProblem(multipart, 415, "unsupported-media-type");
    const results = (await (await api(`/polls/${poll.id}/results`)).json()) as PollResults;
    expect(results.total_voters).toBe(0);
  });

  it("reports incomplete answers and signed-in-only polls back to the page", async () => {
    const { poll, fields } = await anonymousPoll();
    const partial = Object.fromEntries(Object.entries(fields).slice(0, 1));
    const response = await formPost(poll.id, partial, { "Sec-Fetch-Site": "same-origin" });
    expect(response.headers.get("location")).toContain("outcome=validation-failed");
    const members = await anonymousPoll({ voters: "authenticated" });
    const refused = await formPost(members.poll.id, members.fields, { "Sec-Fetch-Site": "same-origin" });
    expect(refused.headers.get("location")).toContain("outcome=unauthorized");
  });
});

describe("GitHub page /gh/:username", () => {
  it("renders the profile and repositories from the cache, with Cache-Status and sort", async () => {
    const login = uniqueLogin(12);
    const first = await call(`/gh/${login}?sort=name`);
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-status")).toBe("miss");
    const html = await first.text();
    expectScriptsNonced(html, scriptNonce(first));
    const names = [...html.matchAll(/<tr data-name="([^"]+)"/g)].map((match) => match[1]);
    expect(names.length).toBe(10); // 12 repositories, 2 of them forks (left out)
    expect(names).toEqual([...names].sort());
    expect(html).toContain('aria-sort="ascending"');
    const second = await call(`/gh/${login}?sort=stars`);
    expect(second.headers.get("cache-status")).toBe("hit");
    const stars = [...(await second.text()).matchAll(/data-stars="(\d+)"/g)].map((match) => Number(match[1]));
    expect(stars).toEqual([...stars].sort((a, b) => b - a));
  });

  it("filters by language and escapes the filter value", async () => {
    const login = uniqueLogin(12);
    const html = await (await call(`/gh/${login}?language=Go&sort=${encodeURIComponent('"><x')}`)).text();
    const languages = [...html.matchAll(/<td data-language="([^"]*)"/g)].map((match) => match[1]);
    expect(languages.length).toBeGreaterThan(0);
    expect(new Set(languages)).toEqual(new Set(["Go"]));
    expect(html).not.toContain('"><x');
  });

  it("answers a 404 page for users GitHub does not have, and for invalid names", async () => {
    for (const name of [`ghost-${crypto.randomUUID().slice(0, 8)}`, "-bad-"]) {
      const response = await call(`/gh/${name}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain("No such GitHub user");
    }
  });
});

describe("status page /status", () => {
  it("serves the shell under a nonce CSP, linked from /docs", async () => {
    const response = await api("/status");
    expect(response.status).toBe(200);
    const html = await response.text();
    expectScriptsNonced(html, scriptNonce(response));
    expect(html).toContain('src="/pages/vendor/uPlot.iife.min.js"');
    expect(await (await api("/docs")).text()).toContain('href="/status"');
  });

  it("feeds its charts: /stats has one timeline point per minute of the last hour", async () => {
    for (let i = 0; i < 5; i += 1) await api("/health");
    const report = (await (await api("/stats")).json()) as Stats;
    expect(report.timeline).toHaveLength(60);
    const last = report.timeline.at(-1);
    expect(Date.parse(last?.at ?? "")).toBeGreaterThan(Date.now() - 120_000);
    expect(report.timeline.reduce((sum, point) => sum + point.requests, 0)).toBeGreaterThanOrEqual(5);
  });
});
