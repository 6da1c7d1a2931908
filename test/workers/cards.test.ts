import { describe, expect, it } from "vitest";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, randomIp, registerUser } from "../helpers/auth.ts";
import { setUpstreamMode, uniqueLogin, upstreamStats } from "../helpers/github.ts";
import { answersFor, ownerWithPoll, twoQuestions, voteAs } from "../helpers/polls.ts";

const call = apiWithEnv({});
const IMG = { Accept: "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8" };

async function expectCard(response: Response, status = 200): Promise<string> {
  const body = await response.text();
  expect(response.status, body).toBe(status);
  expect(response.headers.get("content-type")).toBe("image/svg+xml; charset=utf-8");
  expect(response.headers.get("content-security-policy")).toBe(
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  );
  expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
  expect(body).toMatch(
    /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]* role="img" aria-labelledby="card-title card-desc">/,
  );
  expect(body).toMatch(/<title id="card-title">[^<]+<\/title><desc id="card-desc">[^<]+<\/desc>/);
  expect(new TextEncoder().encode(body).byteLength).toBeLessThanOrEqual(16 * 1024);
  // Only the elements and attributes the renderers write: no script, link, event handler or foreign content.
  for (const [tag, name, attributes] of body.matchAll(/<([a-zA-Z]+)((?:\s+[\w:-]+="[^"<]*")*)\s*\/?>/g)) {
    expect(["svg", "title", "desc", "style", "rect", "text", "tspan", "circle"], tag).toContain(name);
    for (const [, attribute] of (attributes ?? "").matchAll(/\s+([\w:-]+)=/g))
      expect(attribute, tag).not.toMatch(/^on|href/i);
  }
  expect(body.match(/</g)?.length, "every < opens a tag matched above").toBe(
    (body.match(/<([a-zA-Z]+)((?:\s+[\w:-]+="[^"<]*")*)\s*\/?>|<\/[a-zA-Z]+>/g) ?? []).length,
  );
  return body;
}

describe("GitHub cards", () => {
  it("stats card: strong ETag and caching fit for camo, a 304 for the tag, quota headers", async () => {
    const login = uniqueLogin(5);
    const response = await call(`/cards/github/users/${login}/stats.svg`, { headers: IMG });
    const svg = await expectCard(response);
    expect(svg).toContain(`Test ${login}'s GitHub stats`);
    expect(svg).toContain("@media (prefers-color-scheme:dark)");
    expect(response.headers.get("cache-control")).toBe("public, max-age=1800, stale-while-revalidate=86400");
    const etag = response.headers.get("etag") as string;
    expect(etag).toMatch(/^"h[\w-]{22}"$/);
    expect(response.headers.get("x-github-upstream-calls")).toBe("2");
    const again = await call(`/cards/github/users/${login}/stats.svg`, {
      headers: { ...IMG, "If-None-Match": etag },
    });
    expect(again.status).toBe(304);
    expect(again.headers.get("x-github-upstream-calls")).toBe("0");
    const dark = await expectCard(
      await call(`/cards/github/users/${login}/stats.svg?theme=dark`, { headers: IMG }),
    );
    expect(dark).not.toContain("prefers-color-scheme");
    expect(dark).toContain("#0d1117");
  });

  it("languages card: bytes from the languages endpoint over own repositories, forks excluded", async () => {
    // r5: repositories 0–3 are the user's own, 4 is a fork (whose languages must not be fetched).
    const login = uniqueLogin(5);
    const cold = await call(`/cards/github/users/${login}/languages.svg`, { headers: IMG });
    const svg = await expectCard(cold);
    expect(cold.headers.get("x-github-upstream-calls")).toBe("5");
    // Go 120,000 of 324,638 bytes; TypeScript 78,769 + 12,000.
    expect(svg).toMatch(/Go <tspan class="muted">37%<\/tspan>/);
    expect(svg).toMatch(/TypeScript <tspan class="muted">28%<\/tspan>/);
    const warm = await call(`/cards/github/users/${login}/languages.svg`, { headers: IMG });
    expect(warm.headers.get("x-github-upstream-calls")).toBe("0");
    expect(await warm.text()).toBe(svg);
    expect((await upstreamStats(login)).requests).toBe(5);
  });

  it("pin card and every card escape hostile upstream strings and stay bounded", async () => {
    const login = uniqueLogin(3);
    await setUpstreamMode(login, { hostile: true });
    for (const path of [
      `/cards/github/users/${login}/stats.svg`,
      `/cards/github/users/${login}/languages.svg`,
      `/cards/github/repos/${login}/repo-0001/pin.svg`,
    ]) {
      const svg = await expectCard(await call(path, { headers: IMG }));
      expect(svg, path).toContain("&lt;script&gt;");
      // No character XML 1.0 forbids, no direction override, no lone surrogate.
      const forbidden = [...svg].filter((char) => {
        const code = char.codePointAt(0) ?? 0;
        return (code < 0x20 && ![9, 10, 13].includes(code)) || (code >= 0x202a && code <= 0x202e);
      });
      expect(forbidden, path).toEqual([]);
      expect(svg.isWellFormed(), path).toBe(true);
      expect(svg, path).not.toContain("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    }
  });

  it("answers every failure with an error card of the right status, or problem+json to a JSON client", async () => {
    const ghost = `ghost-${crypto.randomUUID().slice(0, 8)}`;
    const missing = await call(`/cards/github/users/${ghost}/stats.svg`, { headers: IMG });
    expect(await expectCard(missing, 404)).toContain("Card unavailable (404)");
    expect(missing.headers.get("cache-control")).toBe("public, max-age=60");
    expect(
      await expectCard(await call("/cards/github/users/-bad-/stats.svg", { headers: IMG }), 422),
    ).toContain("(422)");
    expect(
      await expectCard(await call(`/cards/github/users/${uniqueLogin()}/stats.svg?theme=neon`), 422),
    ).toContain("(422)");
    const failing = uniqueLogin();
    await setUpstreamMode(failing, { mode: "error500" });
    const broken = await call(`/cards/github/repos/${failing}/repo-0001/pin.svg`, { headers: IMG });
    await expectCard(broken, 502);
    expect(broken.headers.get("cache-control")).toBe("no-store");
    await expectProblem(
      await call(`/cards/github/users/${ghost}/stats.svg`, {
        headers: { Accept: "application/problem+json" },
      }),
      404,
      "not-found",
    );
  });

  it("a card past the caller's GitHub budget is a 429 card with Retry-After, never stored", async () => {
    const { env } = await import("cloudflare:workers");
    const tight = (env as unknown as { RL_TEST_TIGHT: RateLimit }).RL_TEST_TIGHT;
    const suite = (env as unknown as { RATE_LIMIT_POLICY: string }).RATE_LIMIT_POLICY;
    const limited = apiWithEnv({ RL_GITHUB: tight, RATE_LIMIT_POLICY: `${suite},github=3/60` });
    const ip = randomIp();
    const login = uniqueLogin(5);
    // Cold: 1 page + 4 languages = 5 calls, past a budget of 3.
    const refused = await limited(`/cards/github/users/${login}/languages.svg`, {
      headers: { ...IMG, "CF-Connecting-IP": ip },
    });
    await expectCard(refused, 429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    // Languages are fetched in parallel: the refusal answers while the calls that passed may still run.
    const spent = Number(refused.headers.get("x-github-upstream-calls"));
    expect(spent).toBeGreaterThanOrEqual(1);
    expect(spent).toBeLessThanOrEqual(3);
  });
});

describe("poll results card", () => {
  it("shows a public poll's live tallies", async () => {
    const { poll } = await ownerWithPoll(twoQuestions({ title: 'Lunch <script>alert("x")</script>' }));
    const voter = await registerUser();
    expect((await voteAs(voter, poll, answersFor(poll, [[1], [0, 2]]))).status).toBe(201);
    const response = await api(`/cards/polls/${poll.id}/results.svg`, { headers: IMG });
    const svg = await expectCard(response);
    expect(svg).toContain("Lunch &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
    expect(svg).toContain("Sushi</text>");
    expect(svg).toContain("100.0% (1)");
    expect(response.headers.get("cache-control")).toBe("public, max-age=60, stale-while-revalidate=86400");
    const etag = response.headers.get("etag") as string;
    expect(
      (await api(`/cards/polls/${poll.id}/results.svg`, { headers: { "If-None-Match": etag } })).status,
    ).toBe(304);
    await voteAs(await registerUser(), poll, answersFor(poll));
    const changed = await api(`/cards/polls/${poll.id}/results.svg`, { headers: { "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain("50.0% (1)");
  });

  it("never shows hidden results, not even to the owner or a voter", async () => {
    for (const [visibility, reason] of [
      ["after_vote", "after you vote"],
      ["after_close", "once it closes"],
    ] as const) {
      const { owner, poll } = await ownerWithPoll(twoQuestions({ results_visibility: visibility }));
      await voteAs(owner, poll, answersFor(poll));
      const hidden = await api(`/cards/polls/${poll.id}/results.svg`, {
        headers: { ...IMG, ...bearer(owner.tokens.access_token) },
      });
      const svg = await expectCard(hidden, 403);
      expect(svg, visibility).toContain(reason);
      expect(svg, visibility).not.toMatch(/Pizza|%/);
      if (visibility === "after_close") {
        const closed = await api(`/polls/${poll.id}/close`, {
          method: "POST",
          headers: bearer(owner.tokens.access_token),
        });
        expect(closed.status).toBeLessThan(300);
        expect(await expectCard(await api(`/cards/polls/${poll.id}/results.svg`))).toContain("100.0% (1)");
      }
    }
  });

  it("an unknown poll is a 404 card", async () => {
    expect(await expectCard(await api(`/cards/polls/${crypto.randomUUID()}/results.svg`), 404)).toContain(
      "(404)",
    );
  });
});

describe("the GitHub profile page", () => {
  it("links the cards with copy-paste Markdown", async () => {
    const login = uniqueLogin(2);
    const html = await (await api(`/gh/${login}`)).text();
    expect(html).toContain(
      `![GitHub stats of ${login}](https://devhub.test/cards/github/users/${login}/stats.svg)`,
    );
    expect(html).toContain(
      `<img src="/cards/github/users/${login}/languages.svg" alt="Most used languages of ${login}"`,
    );
  });
});
