/**
 * A ranked question on the poll page as the server renders it (what a reader without script
 * gets): a labelled rank select per choice, the plain form posting ranks (kept in rank order,
 * refused with its ranks kept when they repeat or skip), the voter's own ranking on a return
 * visit, and the instant-runoff result with its rounds, all with the owner's text escaped.
 */
import { describe, expect, it } from "vitest";
import type { Poll } from "../../src/routes/polls/polls.schemas.ts";
import { api } from "../helpers/api.ts";
import { registerUser } from "../helpers/auth.ts";
import { anonymousBrowser, createPoll, formBallot } from "../helpers/polls.ts";

const HOSTILE = `Pick <em>one</em> & "more"`;

async function rankedPoll() {
  const owner = await registerUser();
  return createPoll(owner, {
    title: HOSTILE,
    voters: "anonymous",
    max_votes_per_ip: 100,
    questions: [
      {
        prompt: HOSTILE,
        kind: "ranked",
        max_selections: 3,
        choices: [{ label: "Alpha" }, { label: "Beta" }, { label: "<b>Gamma</b>" }, { label: "Delta" }],
      },
    ],
  });
}

const idsOf = (poll: Poll) => {
  const question = poll.questions[0] as Poll["questions"][number];
  const [alpha, beta, gamma, delta] = question.choices.map((choice) => choice.id) as string[];
  return { question: question.id, alpha, beta, gamma, delta } as Record<string, string>;
};

function formPost(pollId: string, ranks: Record<string, string>, ids: Record<string, string>, cookie = "") {
  const body = new URLSearchParams(
    Object.entries(ranks).map(([name, rank]) => [`r.${ids.question}.${ids[name]}`, rank]),
  );
  return formBallot(pollId, body, cookie);
}

const page = async (path: string, cookie = "") =>
  (await api(path, { headers: cookie ? { Cookie: cookie } : {} })).text();

/** The choices' rows on the page, in page order, with the rank each select shows. */
function rankRows(html: string): Array<{ choice: string; rank: string }> {
  return [...html.matchAll(/<li class="rank-row" data-choice="([^"]+)"[^>]*>[\s\S]*?<\/select>/g)].map(
    ([row, choice]) => ({
      choice: choice as string,
      rank: /<option value="(\d*)" selected/.exec(row)?.[1] ?? "",
    }),
  );
}

describe("a ranked question on the poll page without script", () => {
  it("renders a labelled rank select per choice (Not ranked, 1…max_selections), the owner's text escaped", async () => {
    const poll = await rankedPoll();
    const ids = idsOf(poll);
    const html = await page(`/p/${poll.id}`);
    expect(html).toContain(`data-kind="ranked" data-max="3"`);
    for (const name of ["alpha", "beta", "gamma", "delta"]) {
      const select = `rank-${ids.question}-${ids[name]}`;
      expect(html).toContain(`<label for="${select}">`);
      expect(html).toContain(`<select id="${select}" name="r.${ids.question}.${ids[name]}"`);
    }
    expect(html).toContain('<option value="" selected="">Not ranked</option>');
    expect(html).toContain('<option value="3">3</option>');
    expect(html).not.toContain('<option value="4">');
    expect(html).toContain(`aria-describedby="rank-hint-${ids.question}"`);
    expect(html).not.toContain("<b>Gamma</b>");
    expect(html).not.toContain("<em>one</em>");
    expect(html).toContain("&lt;b&gt;Gamma&lt;/b&gt;");
  });

  it("the plain form's ranks become the ballot in rank order, shown again (list and selects) on a return visit", async () => {
    const poll = await rankedPoll();
    const ids = idsOf(poll);
    const browser = await anonymousBrowser(poll.id);
    const response = await formPost(
      poll.id,
      { delta: "2", beta: "1", gamma: "3", alpha: "" },
      ids,
      browser.cookie,
    );
    expect(response.headers.get("location")).toBe(`/p/${poll.id}?outcome=voted#results`);
    const mine = (await (await browser.mine("GET")).json()) as { answers: Array<{ choice_ids: string[] }> };
    expect(mine.answers[0]?.choice_ids).toEqual([ids.beta, ids.delta, ids.gamma]);

    const html = await page(`/p/${poll.id}`, browser.cookie);
    expect(rankRows(html)).toEqual([
      { choice: ids.beta, rank: "1" },
      { choice: ids.delta, rank: "2" },
      { choice: ids.gamma, rank: "3" },
      { choice: ids.alpha, rank: "" },
    ]);
    const own = /<div class="own-ranking">[\s\S]*?<\/ol>/.exec(html)?.[0] ?? "";
    expect([...own.matchAll(/<li>([^<]*)<\/li>/g)].map(([, label]) => label)).toEqual([
      "Beta",
      "Delta",
      "&lt;b&gt;Gamma&lt;/b&gt;",
    ]);
  });

  it("a repeated or skipped rank is refused, nothing is written, and the page comes back with those choices ranked in the order sent", async () => {
    const poll = await rankedPoll();
    const ids = idsOf(poll);
    for (const ranks of [
      { alpha: "1", beta: "1" },
      { alpha: "1", beta: "3" },
    ]) {
      const browser = await anonymousBrowser(poll.id);
      const response = await formPost(poll.id, ranks, ids, browser.cookie);
      const location = response.headers.get("location") ?? "";
      expect(location).toMatch(new RegExp(`^/p/${poll.id}\\?outcome=ranking-invalid&picked=`));
      expect((await browser.mine("GET")).status).toBe(404);
      const html = await page(location.replace("#results", ""), browser.cookie);
      expect(html).toContain("Please rank your choices 1, 2, 3… in order: each rank once, with no gaps.");
      expect(rankRows(html).slice(0, 2)).toEqual([
        { choice: ids.alpha, rank: "1" },
        { choice: ids.beta, rank: "2" },
      ]);
    }
    const results = await (await api(`/polls/${poll.id}/results`)).json();
    expect((results as { total_voters: number }).total_voters).toBe(0);
  });

  it("nothing ranked is refused like any unanswered question", async () => {
    const poll = await rankedPoll();
    const response = await formPost(poll.id, { alpha: "", beta: "" }, idsOf(poll));
    expect(response.headers.get("location")).toBe(`/p/${poll.id}?outcome=validation-failed#results`);
  });

  it("results show the runoff's winner and its rounds as a table whose caption reports the tie-break", async () => {
    const poll = await rankedPoll();
    const ids = idsOf(poll);
    // Round 1: Alpha 2, the rest 1 each (Delta, listed last, drops); round 2: Gamma 2, Beta drops;
    // round 3: Gamma 3 of 5.
    const ballots: Array<Record<string, string>> = [
      { alpha: "1" },
      { alpha: "1" },
      { beta: "1", gamma: "2" },
      { delta: "1", gamma: "2" },
      { gamma: "1", delta: "2", alpha: "3" },
    ];
    for (const ranks of ballots)
      expect((await formPost(poll.id, ranks, ids)).headers.get("location")).toContain("outcome=voted");
    const html = await page(`/p/${poll.id}`);
    expect(html).toContain(
      '<p class="runoff-outcome">Winner: &lt;b&gt;Gamma&lt;/b&gt;, with 3 of 5 continuing ballots in round 3.</p>',
    );
    expect(html).toContain("Round 1: a tie for fewest was settled by the choices&#39; order");
    const table = /<table>[\s\S]*?<\/table>/.exec(html.slice(html.indexOf('class="runoff"')))?.[0] ?? "";
    const rows = [...table.matchAll(/<tr><th scope="row">(\d)<\/th>([\s\S]*?)<\/tr>/g)].map(
      ([, round, cells]) => [
        round,
        ...[...(cells as string).matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map(([, text]) => text),
      ],
    );
    expect(rows).toEqual([
      ["1", "2", "1", "1", "1", "0", "Delta"],
      ["2", "2", "1", "2", "—", "0", "Beta"],
      ["3", "2", "—", "3", "—", "0", "—"],
    ]);
  });
});
