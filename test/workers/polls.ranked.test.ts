import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { OwnBallot } from "../../src/routes/polls/polls.ballot.schemas.ts";
import type { Poll } from "../../src/routes/polls/polls.schemas.ts";
import { api, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { subscribeLive } from "../helpers/live.ts";
import { countsAndRecounts, rankingCountsAndRecount } from "../helpers/poll-counts.ts";
import { anonymousBrowser, ownBallotAs, ownerWithPoll, resultsOf, voteAs } from "../helpers/polls.ts";

/** One ranked question over A, B, C (and, when asked, a single one after it). */
const rankedPoll = (extra: Record<string, unknown> = {}, withSingle = false) => ({
  title: "Committee chair",
  voters: "anonymous",
  max_votes_per_ip: 100,
  questions: [
    {
      prompt: "Rank the candidates",
      kind: "ranked",
      choices: [{ label: "A" }, { label: "B" }, { label: "C" }],
    },
    ...(withSingle
      ? [{ prompt: "Quorum?", kind: "single", choices: [{ label: "Yes" }, { label: "No" }] }]
      : []),
  ],
  ...extra,
});

/** A ballot ranking the named candidates (labels) in that order. */
function ranking(poll: Poll, labels: string[]) {
  const [question, ...rest] = poll.questions;
  const ids = labels.map((label) => question?.choices.find((choice) => choice.label === label)?.id as string);
  return {
    answers: [
      { question_id: question?.id as string, choice_ids: ids },
      ...rest.map((other) => ({ question_id: other.id, choice_ids: [other.choices[0]?.id as string] })),
    ],
  };
}

async function castAll(poll: Poll, ballots: Array<[number, string[]]>) {
  for (const [times, labels] of ballots) {
    for (let i = 0; i < times; i += 1) {
      const browser = await anonymousBrowser(poll.id);
      const response = await browser.vote(ranking(poll, labels));
      if (response.status !== 201) throw new Error(`vote ${response.status}: ${await response.text()}`);
    }
  }
}

/** The ranked block with choice ids replaced by labels, to read like a textbook table. */
async function runoffOf(poll: Poll, owner: Parameters<typeof resultsOf>[1]) {
  const results = await resultsOf(poll, owner);
  const question = results.questions[0];
  const label = (id: string | null) => question?.choices.find((choice) => choice.id === id)?.label ?? null;
  const ranked = question?.ranked;
  if (!ranked) throw new Error("no ranked block");
  return {
    question,
    outcome: ranked.outcome,
    winner: label(ranked.winner),
    tied: ranked.tied.map(label),
    rounds: ranked.rounds.map((round) => ({
      counts: Object.fromEntries(round.counts.map((count) => [label(count.choice_id), count.votes])),
      exhausted: round.exhausted_ballots,
      eliminated: label(round.eliminated),
      tie_break: round.tie_break,
    })),
  };
}

describe("ranked-choice questions: instant runoff", () => {
  it("lets the plurality leader lose the runoff when the eliminated choice's ballots transfer", async () => {
    const { owner, poll } = await ownerWithPoll(rankedPoll());
    await castAll(poll, [
      [4, ["A"]],
      [3, ["B", "C"]],
      [2, ["C", "B"]],
    ]);
    const runoff = await runoffOf(poll, owner);
    expect(runoff.rounds).toEqual([
      { counts: { A: 4, B: 3, C: 2 }, exhausted: 0, eliminated: "C", tie_break: null },
      { counts: { A: 4, B: 5 }, exhausted: 0, eliminated: null, tie_break: null },
    ]);
    expect(runoff).toMatchObject({ outcome: "winner", winner: "B", tied: [] });
    // The choices' votes are the first preferences, shares of the voters summing to 100.
    expect(runoff.question?.voters).toBe(9);
    expect(runoff.question?.choices.map((choice) => [choice.votes, choice.percent])).toEqual([
      [4, 44.5],
      [3, 33.3],
      [2, 22.2],
    ]);
  });

  it("counts exhausted ballots and needs a majority of the continuing ones only", async () => {
    const { owner, poll } = await ownerWithPoll(rankedPoll());
    await castAll(poll, [
      [3, ["A"]],
      [2, ["B"]],
      [1, ["C"]],
    ]);
    const runoff = await runoffOf(poll, owner);
    expect(runoff.rounds).toEqual([
      { counts: { A: 3, B: 2, C: 1 }, exhausted: 0, eliminated: "C", tie_break: null },
      { counts: { A: 3, B: 2 }, exhausted: 1, eliminated: null, tie_break: null },
    ]);
    expect(runoff).toMatchObject({ outcome: "winner", winner: "A" });
  });

  it("reports a tie when every choice left has the same votes, and a winner once one more ballot breaks it", async () => {
    const { owner, poll } = await ownerWithPoll(rankedPoll());
    await castAll(poll, [
      [2, ["A", "C"]],
      [2, ["B", "C"]],
    ]);
    const runoff = await runoffOf(poll, owner);
    expect(runoff.rounds).toEqual([
      { counts: { A: 2, B: 2, C: 0 }, exhausted: 0, eliminated: "C", tie_break: null },
      { counts: { A: 2, B: 2 }, exhausted: 0, eliminated: null, tie_break: null },
    ]);
    expect(runoff).toMatchObject({ outcome: "tie", winner: null, tied: ["A", "B"] });

    await castAll(poll, [[1, ["C", "A"]]]);
    const settled = await runoffOf(poll, owner);
    // A 2, B 2, C 1: C goes; its ballot moves to A, who then has 3 of 5.
    expect(settled.rounds.map((round) => round.eliminated)).toEqual(["C", null]);
    expect(settled).toMatchObject({ outcome: "winner", winner: "A" });
  });

  it("exports the rounds in the CSV beside the other questions' rows", async () => {
    const { owner, poll } = await ownerWithPoll(rankedPoll({}, true));
    await castAll(poll, [
      [4, ["A"]],
      [3, ["B", "C"]],
      [2, ["C", "B"]],
    ]);
    const response = await api(`/polls/${poll.id}/results.csv`, {
      headers: bearer(owner.tokens.access_token),
    });
    expect(response.status).toBe(200);
    const rows = parse((await response.text()).replace(/^\uFEFF/, "")) as string[][];
    expect(rows[0]).toEqual(["poll", "question", "choice", "votes", "percent", "round", "outcome"]);
    const ranked = rows.filter((row) => row[1] === "Rank the candidates").map((row) => row.slice(2));
    expect(ranked).toEqual([
      ["A", "4", "44.5", "1", "continuing"],
      ["B", "3", "33.3", "1", "continuing"],
      ["C", "2", "22.2", "1", "eliminated"],
      ["", "0", "", "1", "exhausted"],
      ["A", "4", "44.4", "2", "continuing"],
      ["B", "5", "55.6", "2", "winner"],
      ["", "0", "", "2", "exhausted"],
    ]);
    expect(rows.filter((row) => row[1] === "Quorum?").map((row) => row.slice(2))).toEqual([
      ["Yes", "9", "100.0", "", ""],
      ["No", "0", "0.0", "", ""],
    ]);
  });
});

describe("ranked-choice ballots", () => {
  it("sends live subscribers the new rounds after a vote", async () => {
    const { owner, poll } = await ownerWithPoll(rankedPoll());
    await castAll(poll, [[1, ["A"]]]);
    const live = await subscribeLive(poll.id);
    await live.waitFor((message) => message.type === "results");
    await castAll(poll, [[1, ["B", "A"]]]);
    const updated = await live.waitFor((message) => message.results?.total_voters === 2);
    expect(updated.results?.questions[0]?.ranked?.outcome).toBe("tie");
    expect(updated.results).toEqual(await resultsOf(poll, owner));
    live.socket.close();
  });

  it("keeps the voter's order, and the ranking counters equal a recount through changes and withdrawals", async () => {
    const { owner, poll } = await ownerWithPoll(rankedPoll({ voters: "authenticated" }));
    const question = poll.questions[0] as Poll["questions"][number];
    const voters = await Promise.all([registerUser(), registerUser(), registerUser()]);
    const [first, second, third] = voters as [(typeof voters)[0], (typeof voters)[0], (typeof voters)[0]];
    expect((await voteAs(first, poll, ranking(poll, ["C", "A", "B"]))).status).toBe(201);
    expect((await voteAs(second, poll, ranking(poll, ["C", "A", "B"]))).status).toBe(201);
    expect((await voteAs(third, poll, ranking(poll, ["B"]))).status).toBe(201);
    const mine = (await (await ownBallotAs(first, poll, "GET")).json()) as OwnBallot;
    expect(mine.answers).toEqual(ranking(poll, ["C", "A", "B"]).answers);

    // The same choices in another order: only the ranking counters move.
    expect((await ownBallotAs(first, poll, "PUT", ranking(poll, ["A", "C", "B"]))).status).toBe(200);
    const reordered = (await (await ownBallotAs(first, poll, "GET")).json()) as OwnBallot;
    expect(reordered.answers).toEqual(ranking(poll, ["A", "C", "B"]).answers);
    // An unchanged ranking, a shorter one, a withdrawal.
    expect((await ownBallotAs(second, poll, "PUT", ranking(poll, ["C", "A", "B"]))).status).toBe(200);
    expect((await ownBallotAs(third, poll, "PUT", ranking(poll, ["A", "B"]))).status).toBe(200);
    expect((await ownBallotAs(second, poll, "DELETE")).status).toBe(204);

    const counts = await rankingCountsAndRecount(question.id);
    expect(counts?.maintained).toEqual(counts?.recount);
    const ids = (labels: string[]) => ranking(poll, labels).answers[0]?.choice_ids.join(",") as string;
    expect(counts?.maintained).toEqual({ [ids(["A", "B"])]: 1, [ids(["A", "C", "B"])]: 1 });
    for (const row of await countsAndRecounts(poll.id)) expect(row.maintained).toBe(row.recount);
    const runoff = await runoffOf(poll, owner);
    expect(runoff).toMatchObject({ outcome: "winner", winner: "A" });
  });

  it.each([
    [
      "an empty ranking",
      (poll: Poll) => ({ answers: [{ question_id: poll.questions[0]?.id, choice_ids: [] }] }),
    ],
    ["a repeated choice", (poll: Poll) => ranking(poll, ["A", "B", "A"])],
    [
      "another question's choice",
      (poll: Poll) => {
        const valid = ranking(poll, ["A"]);
        const other = poll.questions[1]?.choices[0]?.id as string;
        valid.answers[0]?.choice_ids.push(other);
        return valid;
      },
    ],
    ["more than max_selections", (poll: Poll) => ranking(poll, ["A", "B", "C"])],
  ])("refuses %s with 422 and writes nothing", async (_label, make) => {
    const body = rankedPoll({}, true);
    (body.questions[0] as Record<string, unknown>).max_selections = 2;
    const { owner, poll } = await ownerWithPoll(body);
    const browser = await anonymousBrowser(poll.id);
    await expectProblem(await browser.vote(make(poll)), 422, "validation-failed");
    // A valid ballot, then the same invalid answers as a change: the ballot stays as it was.
    expect((await browser.vote(ranking(poll, ["B", "A"]))).status).toBe(201);
    await expectProblem(await browser.mine("PUT", make(poll)), 422, "validation-failed");
    const mine = (await (await browser.mine("GET")).json()) as OwnBallot;
    expect(mine.answers).toEqual(ranking(poll, ["B", "A"]).answers);
    const counts = await rankingCountsAndRecount(poll.questions[0]?.id as string);
    expect(counts?.maintained).toEqual(counts?.recount);
    expect(Object.values(counts?.maintained as object)).toEqual([1]);
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });

  it("refuses max_selections above the number of choices on a ranked question", async () => {
    const owner = await registerUser();
    const body = rankedPoll();
    (body.questions[0] as Record<string, unknown>).max_selections = 4;
    const response = await api("/polls", {
      method: "POST",
      headers: { ...bearer(owner.tokens.access_token), "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    await expectProblem(response, 422, "validation-failed");
  });
});
