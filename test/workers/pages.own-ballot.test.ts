/**
 * The poll page and the voter's own ballot, as the server renders it: a returning anonymous
 * voter sees their answers checked (the voter cookie reaches /p/), and nobody else does; a
 * withdrawn ballot leaves the form open again; a poll whose votes are final says so; an
 * invite-only poll asks for its invite link instead of showing a form nobody can use.
 */
import { describe, expect, it } from "vitest";
import { REDACTED, redactText } from "../../src/lib/redact.ts";
import { api } from "../helpers/api.ts";
import { registerUser } from "../helpers/auth.ts";
import { anonymousBrowser, answersFor, createPoll, twoQuestions } from "../helpers/polls.ts";

const page = async (path: string, cookie = "") =>
  (await api(path, { headers: cookie ? { Cookie: cookie } : {} })).text();

/** The <input> tag of one choice on the page. */
const inputOf = (html: string, choiceId: string) =>
  new RegExp(`<input[^>]*value="${choiceId}"[^>]*>`).exec(html)?.[0] ?? "";

async function pollWith(overrides: Record<string, unknown>) {
  return createPoll(await registerUser(), { ...twoQuestions(), voters: "anonymous", ...overrides });
}

describe("poll page: the returning voter's answers", () => {
  it("checks the choices this browser voted for, and only for this browser", async () => {
    const poll = await pollWith({});
    const browser = await anonymousBrowser(poll.id);
    // Second choice of the first question; first and second of the other.
    expect((await browser.vote(answersFor(poll, [[1], [0, 1]]))).status).toBe(201);
    const [first, second] = poll.questions;
    const picked = [first?.choices[1]?.id, second?.choices[0]?.id, second?.choices[1]?.id] as string[];
    const others = poll.questions
      .flatMap((question) => question.choices.map((choice) => choice.id))
      .filter((id) => !picked.includes(id));

    const mine = await page(`/p/${poll.id}`, browser.cookie);
    for (const id of picked) expect(inputOf(mine, id)).toMatch(/\bchecked\b/);
    for (const id of others) expect(inputOf(mine, id)).not.toMatch(/\bchecked\b/);
    expect(mine).toContain('data-allow-vote-changes="true"');
    expect(mine).not.toContain("Votes in this poll are final");

    const stranger = await page(`/p/${poll.id}`, (await anonymousBrowser(poll.id)).cookie);
    for (const id of picked) expect(inputOf(stranger, id)).not.toMatch(/\bchecked\b/);
  });

  it("shows the changed answers after a change, and an open form after a withdrawal", async () => {
    const poll = await pollWith({});
    const browser = await anonymousBrowser(poll.id);
    expect((await browser.vote(answersFor(poll))).status).toBe(201);
    expect((await browser.mine("PUT", answersFor(poll, [[2], [1]]))).status).toBe(200);
    const changed = await page(`/p/${poll.id}`, browser.cookie);
    expect(inputOf(changed, poll.questions[0]?.choices[2]?.id as string)).toMatch(/\bchecked\b/);
    expect(inputOf(changed, poll.questions[0]?.choices[0]?.id as string)).not.toMatch(/\bchecked\b/);

    expect((await browser.mine("DELETE")).status).toBe(204);
    const withdrawn = await page(`/p/${poll.id}`, browser.cookie);
    expect(withdrawn).not.toContain("You have voted");
    expect(withdrawn).not.toMatch(/<input[^>]*\bchecked\b/);
    expect(withdrawn).not.toMatch(/<button[^>]*id="submit-vote"[^>]*disabled/);
  });

  it("says so where votes are final", async () => {
    const poll = await pollWith({ allow_vote_changes: false });
    const html = await page(`/p/${poll.id}`);
    expect(html).toContain('data-allow-vote-changes="false"');
    expect(html).toContain("Votes in this poll are final: they cannot be changed or withdrawn once cast.");
  });
});

describe("poll page: invite-only polls", () => {
  it("asks for the invite link instead of offering a form nobody can use", async () => {
    const poll = await pollWith({ voters: "invited" });
    const html = await page(`/p/${poll.id}`);
    expect(html).toContain("by invitation only");
    expect(html).toContain("open the invite link its owner sent you to vote here");
    expect(html).toMatch(/<form[^>]*id="vote"[^>]*hidden[^>]*data-needs-invite/);
    expect(html).not.toContain("Voting here needs an account");
    // The owner's invite section is there for the script to show, hidden from everyone else.
    expect(html).toMatch(/<section class="card" id="invites"[^>]*hidden/);
    expect(html).toContain("owner signs in here to invite voters");
  });

  it("has no invite section on polls that are not invite-only", async () => {
    const html = await page(`/p/${(await pollWith({})).id}`);
    expect(html).not.toContain('id="invites"');
    expect(html).not.toContain('id="vote-needs-invite"');
  });
});

describe("invite tokens in a link", () => {
  it("are redacted from anything logged, the query string of a page address included", () => {
    const token = `dhi_${"Ab-_9".repeat(8)}xyz`;
    const logged = redactText(`GET /p/${crypto.randomUUID()}?invite=${token} 200`);
    expect(logged).not.toContain(token);
    expect(logged).toContain(`?invite=${REDACTED}`);
  });
});
