import { describe, expect, it } from "vitest";
import { instantRunoff } from "../../src/routes/polls/polls.irv.ts";
import type { Poll } from "../../src/routes/polls/polls.schemas.ts";
import { countsAndRecounts, rankingCountsAndRecount } from "../helpers/poll-counts.ts";
import { anonymousBrowser, ownerWithPoll, resultsOf } from "../helpers/polls.ts";

const VOTERS = 24;
const NEWCOMERS = 20;

/** A ranked question over four candidates, then a single one: both kinds of counter move. */
const rankedPoll = {
  title: "Board election",
  voters: "anonymous",
  max_votes_per_ip: 100_000,
  questions: [
    {
      prompt: "Rank the candidates",
      kind: "ranked",
      choices: [{ label: "A" }, { label: "B" }, { label: "C" }, { label: "D" }],
    },
    { prompt: "Quorum?", kind: "single", choices: [{ label: "Yes" }, { label: "No" }] },
  ],
};

/** A ballot ranking the ranked question's choices by these indexes, and a quorum answer. */
function rankedBallot(poll: Poll, order: number[], quorum = 0) {
  const [ranked, single] = poll.questions as [Poll["questions"][number], Poll["questions"][number]];
  return {
    answers: [
      { question_id: ranked.id, choice_ids: order.map((index) => ranked.choices[index]?.id as string) },
      { question_id: single.id, choice_ids: [single.choices[quorum]?.id as string] },
    ],
  };
}

/** A few distinct rankings, so that concurrent requests keep landing on the same counter rows. */
const ORDERS = [[0, 1, 2, 3], [1, 0], [2, 3, 1], [3], [0, 2]];
const order = (i: number) => ORDERS[i % ORDERS.length] as number[];

describe("ranked ballots under concurrency", () => {
  it("leave the ranking counters and the instant runoff equal to a recount when casts, reorders, shortenings, withdrawals and re-votes interleave", async () => {
    const { owner, poll } = await ownerWithPoll(rankedPoll);
    const voters = await Promise.all(Array.from({ length: VOTERS }, () => anonymousBrowser(poll.id)));
    const newcomers = await Promise.all(Array.from({ length: NEWCOMERS }, () => anonymousBrowser(poll.id)));
    const first = await Promise.all(voters.map((browser, i) => browser.vote(rankedBallot(poll, order(i)))));
    expect(first.map((response) => response.status)).toEqual(voters.map(() => 201));

    // At the same moment: a third of the voters reorder and shorten their ballots; a third
    // reorder, withdraw and lengthen again; a third withdraw, vote anew and reorder; the
    // newcomers cast first ballots. One voter's requests queue on its ballot, all of them on
    // the few ranking counter rows. Whatever order they land in, the first third's changes
    // find their ballots, so changes are always among them.
    const group = (i: number) => i % 3;
    const requests = [
      ...voters.flatMap((browser, i) => {
        const reordered = rankedBallot(poll, [...order(i)].reverse(), 1);
        if (group(i) === 0)
          return [
            browser.mine("PUT", reordered),
            browser.mine("PUT", rankedBallot(poll, order(i).slice(0, 1))),
          ];
        if (group(i) === 1)
          return [
            browser.mine("PUT", reordered),
            browser.mine("DELETE"),
            browser.mine("PUT", rankedBallot(poll, order(i + 1), 1)),
          ];
        return [
          browser.mine("DELETE"),
          browser.vote(rankedBallot(poll, order(i + 2))),
          browser.mine("PUT", reordered),
        ];
      }),
      ...newcomers.map((browser, i) => browser.vote(rankedBallot(poll, order(i + 3), i % 2))),
    ];
    const statuses = (await Promise.all(requests)).map((response) => response.status);
    // 404: a change that came after the withdrawal; 409: a re-vote before it.
    expect(statuses.filter((status) => ![200, 201, 204, 404, 409].includes(status))).toEqual([]);
    // Every withdrawal finds a ballot: only the withdrawal itself removes one.
    const withdrawing = voters.filter((_, i) => group(i) !== 0).length;
    expect(statuses.filter((status) => status === 204)).toHaveLength(withdrawing);
    const unconditionalChanges = 2 * (VOTERS - withdrawing);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThanOrEqual(unconditionalChanges);

    const [ranked] = poll.questions as [Poll["questions"][number]];
    const rankings = await rankingCountsAndRecount(ranked.id);
    expect(rankings.maintained).toEqual(rankings.recount);
    for (const row of await countsAndRecounts(poll.id))
      expect({ id: row.id, count: row.maintained }).toEqual({ id: row.id, count: row.recount });

    // The runoff the API publishes is the one a recount of the ballots gives.
    const recounted = Object.entries(rankings.recount).map(([key, ballots]) => ({
      ranking: key.split(","),
      ballots,
    }));
    const expected = instantRunoff(
      ranked.choices.map((choice) => choice.id),
      recounted,
    );
    const results = await resultsOf(poll, owner);
    expect(results.questions[0]?.ranked).toEqual(expected);
    const ballots = recounted.reduce((sum, { ballots }) => sum + ballots, 0);
    expect(results.total_voters).toBe(ballots);
    expect(expected.rounds[0]?.continuing_ballots).toBe(ballots);
    expect(ballots).toBeGreaterThanOrEqual(NEWCOMERS);
  }, 60_000);
});
