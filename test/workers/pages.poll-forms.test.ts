/**
 * The poll pages a person uses without the API: the voter cookie reaching /p/ (so a page
 * rendered without script knows this browser voted), a failed plain-form vote keeping its
 * answers, the sign-in-only poll's way to an account, the share link and local times, and
 * the new-poll page.
 */
import { describe, expect, it } from "vitest";
import { api, ORIGIN } from "../helpers/api.ts";
import { registerUser } from "../helpers/auth.ts";
import { anonymousBrowser, answersFor, createPoll, formBallot, twoQuestions } from "../helpers/polls.ts";

const HOSTILE = `Lunch <script>alert("t")</script> & "friends"`;

async function anonymousPoll(overrides: Record<string, unknown> = {}) {
  const owner = await registerUser();
  return createPoll(owner, { ...twoQuestions({ title: HOSTILE }), voters: "anonymous", ...overrides });
}

const page = async (path: string, cookie = "") =>
  (await api(path, { headers: cookie ? { Cookie: cookie } : {} })).text();

/** The <input> tag of one choice on the page. */
const inputOf = (html: string, choiceId: string) =>
  new RegExp(`<input[^>]*value="${choiceId}"[^>]*>`).exec(html)?.[0] ?? "";

describe("voter cookie on the poll pages", () => {
  it("is set for the whole site, replacing one scoped to /polls", async () => {
    const poll = await anonymousPoll();
    const visit = await api(`/polls/${poll.id}`);
    const cookies = visit.headers.getSetCookie();
    expect(cookies[0]).toMatch(/^dh_voter=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+;/);
    expect(cookies[0]).toContain("Path=/;");
    expect(cookies[0]).toMatch(/HttpOnly/);
    expect(cookies[0]).toMatch(/SameSite=Lax/);
    expect(cookies[1]).toMatch(/^dh_voter=; Max-Age=0; Path=\/polls;/);
  });

  it("a browser that voted gets the page with its vote acknowledged, the form disabled and after_vote results", async () => {
    const poll = await anonymousPoll({ results_visibility: "after_vote" });
    const browser = await anonymousBrowser(poll.id);
    const before = await page(`/p/${poll.id}`, browser.cookie);
    expect(before).not.toContain("<meter");
    expect(before).not.toMatch(/<button[^>]*id="submit-vote"[^>]*disabled/);
    expect((await browser.vote(answersFor(poll))).status).toBe(201);

    const after = await page(`/p/${poll.id}`, browser.cookie);
    expect(after).toContain("You have voted in this poll.");
    expect(after).toMatch(/<button[^>]*id="submit-vote"[^>]*disabled/);
    for (const choice of poll.questions.flatMap((question) => question.choices))
      expect(inputOf(after, choice.id)).toContain("disabled");
    expect(after).toContain('<meter min="0" max="100" value="100"');
    // Another browser (no cookie) still sees the form open and the results hidden.
    const stranger = await page(`/p/${poll.id}`);
    expect(stranger).not.toContain("<meter");
    expect(stranger).not.toContain("You have voted");
  });
});

describe("plain form vote keeps the answers picked", () => {
  it("sends the picked choices back with a validation failure, and the page checks them again", async () => {
    const poll = await anonymousPoll();
    const [where, extras] = poll.questions;
    const dessert = extras?.choices[1]?.id as string;
    const drinks = extras?.choices[0]?.id as string;
    // Only the second question answered: the first is missing.
    const form = new URLSearchParams([
      [`q.${extras?.id}`, drinks],
      [`q.${extras?.id}`, dessert],
    ]);
    const response = await formBallot(poll.id, form);
    expect(response.status).toBe(303);
    const location = response.headers.get("location") ?? "";
    expect(location).toBe(`/p/${poll.id}?outcome=validation-failed&picked=${drinks},${dessert}#results`);

    const html = await page(location.replace("#results", ""));
    expect(html).toContain("Please answer every question within its limits.");
    expect(inputOf(html, drinks)).toContain("checked");
    expect(inputOf(html, dessert)).toContain("checked");
    expect(inputOf(html, where?.choices[0]?.id as string)).not.toContain("checked");
  });

  it("ignores anything in `picked` that is not one of the poll's choice ids, and never echoes it", async () => {
    const poll = await anonymousPoll();
    const html = await page(
      `/p/${poll.id}?outcome=validation-failed&picked=${encodeURIComponent('"><b>x</b>,nope')}`,
    );
    expect(html).not.toContain("<b>x</b>");
    expect(html).not.toContain("nope");
    expect(html).not.toMatch(/<input[^>]*checked/);
  });

  it("a successful plain vote drops the picks and leaves the form disabled on the page it lands on", async () => {
    const poll = await anonymousPoll();
    const [first, second] = poll.questions;
    const form = new URLSearchParams([
      [`q.${first?.id}`, first?.choices[0]?.id as string],
      [`q.${second?.id}`, second?.choices[0]?.id as string],
    ]);
    const response = await formBallot(poll.id, form);
    expect(response.headers.get("location")).toBe(`/p/${poll.id}?outcome=voted#results`);
    const cookie = (response.headers.getSetCookie()[0] ?? "").split(";")[0] ?? "";
    const html = await page(`/p/${poll.id}?outcome=voted`, cookie);
    expect(html).toContain("Your vote was recorded.");
    expect(html).toMatch(/<button[^>]*id="submit-vote"[^>]*disabled/);
  });
});

describe("poll page parts", () => {
  it("a sign-in-only poll points to the account forms instead of offering a form it cannot take", async () => {
    const poll = await anonymousPoll({ voters: "authenticated" });
    const html = await page(`/p/${poll.id}`);
    expect(html).toMatch(/<form id="vote"[^>]*hidden[^>]*data-needs-account/);
    expect(html).toContain('<p id="vote-needs-account">');
    expect(html).toContain('href="#account"');
    expect(html).toContain('id="account-switch"');
    expect(html).toContain('id="account-name"');
    const open = await page(`/p/${(await anonymousPoll()).id}`);
    expect(open).not.toContain('id="vote-needs-account"');
    expect(open).not.toMatch(/<form id="vote"[^>]*hidden/);
  });

  it("shows the poll's own address to copy, and its times as UTC text with the instant in datetime", async () => {
    const closes = new Date(Date.now() + 3 * 86_400_000);
    closes.setUTCSeconds(0, 0);
    const poll = await anonymousPoll({ closes_at: closes.toISOString() });
    const html = await page(`/p/${poll.id}`);
    expect(html).toContain(`<input id="share-url" type="text" readonly="" value="${ORIGIN}/p/${poll.id}"`);
    expect(html).toMatch(/<button type="button" id="copy-link" data-copy-from="share-url" hidden/);
    const iso = closes.toISOString().replace(".000Z", "Z");
    expect(html).toContain(
      `closes <time datetime="${poll.closes_at}" data-local-time="">${iso.replace("T", " ").slice(0, 16)} UTC</time>`,
    );
    expect(html).toContain(`data-closes-at="${poll.closes_at}"`);
    expect(html).toMatch(
      /started <time datetime="[^"]+" data-local-time="">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>/,
    );
  });

  it("the created outcome tells the author where the link is", async () => {
    const poll = await anonymousPoll();
    expect(await page(`/p/${poll.id}?outcome=created`)).toContain("Your poll is ready.");
  });
});

describe("new poll page /p/new", () => {
  it("serves the form (shown by its script), the account forms and a no-script note, linked from /p", async () => {
    const response = await api("/p/new");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'nonce-");
    const html = await response.text();
    expect(html).toMatch(/<script nonce="[^"]+" src="\/pages\/poll-new.js" defer/);
    expect(html).toMatch(/<form id="new-poll" class="card stack" hidden/);
    for (const field of ["title", "prompt", "choices", "closes-at"]) expect(html).toContain(`id="${field}"`);
    for (const value of [
      "anonymous",
      "authenticated",
      "always",
      "after_vote",
      "after_close",
      "single",
      "multiple",
    ])
      expect(html).toContain(`value="${value}"`);
    expect(html).toContain('class="notice no-js"');
    expect(html).toContain('id="sign-in"');
    expect(await page("/p")).toContain('<a href="/p/new">Create a poll</a>');
  });
});
