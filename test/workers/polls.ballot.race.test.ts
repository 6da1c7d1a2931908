import { describe, expect, it } from "vitest";
import { countsAndRecounts } from "../helpers/poll-counts.ts";
import { anonymousBrowser, answersFor, ownerWithPoll, resultsOf, twoQuestions } from "../helpers/polls.ts";

describe("ballot changes under concurrency", () => {
  it("leave every counter equal to a recount when changes, withdrawals and new votes interleave", async () => {
    const { owner, poll } = await ownerWithPoll(
      twoQuestions({ voters: "anonymous", max_votes_per_ip: 100_000 }),
    );
    const voters = await Promise.all(Array.from({ length: 20 }, () => anonymousBrowser(poll.id)));
    const newcomers = await Promise.all(Array.from({ length: 20 }, () => anonymousBrowser(poll.id)));
    await Promise.all(voters.map((browser, i) => browser.vote(answersFor(poll, [[i % 3], [i % 3]]))));

    // Every existing voter changes twice and withdraws at the same moment (and a third of them
    // vote again), while the newcomers cast their first ballots: every pair of these touches
    // the same counter rows, and the ones of one voter the same ballot.
    const requests = [
      ...voters.flatMap((browser, i) => [
        browser.mine("PUT", answersFor(poll, [[(i + 1) % 3], [0, 2]])),
        browser.mine("DELETE"),
        browser.mine("PUT", answersFor(poll, [[(i + 2) % 3], [1]])),
        ...(i % 3 === 0 ? [browser.vote(answersFor(poll, [[1], [2]]))] : []),
      ]),
      ...newcomers.map((browser, i) => browser.vote(answersFor(poll, [[i % 3], [1, 2]]))),
    ];
    const statuses = (await Promise.all(requests)).map((response) => response.status);
    // 404: a change that came after the withdrawal; 409: a re-vote before it.
    expect(statuses.filter((status) => ![200, 201, 204, 404, 409].includes(status))).toEqual([]);
    expect(statuses.filter((status) => status === 204)).toHaveLength(20);

    const rows = await countsAndRecounts(poll.id);
    expect(rows).toHaveLength(3 + 3 + 2 + 1);
    for (const row of rows)
      expect({ id: row.id, count: row.maintained }).toEqual({ id: row.id, count: row.recount });
    const stillVoting = (await Promise.all(voters.map((browser) => browser.mine("GET")))).filter(
      (response) => response.status === 200,
    ).length;
    expect((await resultsOf(poll, owner)).total_voters).toBe(20 + stillVoting);
  });
});
