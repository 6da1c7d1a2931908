import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { runSql } from "../helpers/db.ts";
import { countsAndRecounts } from "../helpers/poll-counts.ts";
import { anonymousBrowser, answersFor, ownerWithPoll, resultsOf, twoQuestions } from "../helpers/polls.ts";

describe("maintained vote counters", () => {
  it("equal a recount for every choice and question after heavy concurrent voting", async () => {
    const { owner, poll } = await ownerWithPoll(
      twoQuestions({ voters: "anonymous", max_votes_per_ip: 100_000 }),
    );
    const browsers = await Promise.all(Array.from({ length: 120 }, () => anonymousBrowser(poll.id)));
    // 240 requests at once (the test database allows 300 connections). Everyone on the same first choice (the hot row), and a spread of multi-choice picks;
    // each browser also retries once at the same time, which must change nothing.
    const ballots = browsers.flatMap((browser, i) => {
      const body = answersFor(poll, [[0], i % 2 ? [0, 1] : [i % 3]]);
      return [browser.vote(body), browser.vote(body)];
    });
    const statuses = (await Promise.all(ballots)).map((response) => response.status);
    expect(statuses.filter((status) => status !== 201 && status !== 409)).toEqual([]);
    expect(statuses.filter((status) => status === 201)).toHaveLength(120);
    expect(statuses.filter((status) => status === 409)).toHaveLength(120);

    const rows = await countsAndRecounts(poll.id);
    expect(rows).toHaveLength(3 + 3 + 2 + 1);
    for (const row of rows)
      expect({ id: row.id, count: row.maintained }).toEqual({ id: row.id, count: row.recount });

    const results = await resultsOf(poll, owner);
    expect(results.total_voters).toBe(120);
    expect(results.questions[0]?.choices.map((choice) => choice.votes)).toEqual([120, 0, 0]);
    expect(results.questions[0]?.choices.map((choice) => choice.percent)).toEqual([100, 0, 0]);
    expect(results.questions[1]?.voters).toBe(120);
  });

  it("spreads one hot choice over several shard rows, so its ballots do not all queue on one row lock", async () => {
    const { poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous", max_votes_per_ip: 100_000 }));
    const browsers = await Promise.all(Array.from({ length: 80 }, () => anonymousBrowser(poll.id)));
    await Promise.all(browsers.map((browser) => browser.vote(answersFor(poll))));
    const hot = poll.questions[0]?.choices[0]?.id as string;
    const [row] = await runSql<{ shards: number; votes: number }>(
      sql`SELECT count(*)::int AS shards, sum(votes)::int AS votes FROM poll_choice_count_shards WHERE choice_id = ${hot}`,
    );
    expect(row?.votes).toBe(80);
    expect(row?.shards).toBeGreaterThan(4);
  });

  it("rejected ballots leave every counter unchanged", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous", max_votes_per_ip: 2 }));
    const ip = "198.51.100.23";
    const browsers = await Promise.all(Array.from({ length: 6 }, () => anonymousBrowser(poll.id, ip)));
    const invalid = {
      answers: [{ question_id: poll.questions[0]?.id, choice_ids: [poll.questions[1]?.choices[0]?.id] }],
    };
    const responses = await Promise.all([
      ...browsers.map((browser) => browser.vote(answersFor(poll))),
      ...browsers.map((browser) => browser.vote(invalid)),
    ]);
    expect(responses.filter((response) => response.status === 201)).toHaveLength(2);
    for (const row of await countsAndRecounts(poll.id)) expect(row.maintained).toBe(row.recount);
    expect((await resultsOf(poll, owner)).total_voters).toBe(2);
  });

  it("rebuild_poll_counts restores counters that drifted", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous", max_votes_per_ip: 100 }));
    const browsers = await Promise.all(Array.from({ length: 12 }, () => anonymousBrowser(poll.id)));
    await Promise.all(browsers.map((browser, i) => browser.vote(answersFor(poll, [[i % 3], [1, 2]]))));
    await runSql(
      sql`INSERT INTO poll_choice_count_shards (choice_id, shard, votes) VALUES (${poll.questions[0]?.choices[0]?.id}, 99, 5)`,
    );
    expect((await resultsOf(poll, owner)).questions[0]?.choices[0]?.votes).toBe(4 + 5);
    await runSql(sql`SELECT rebuild_poll_counts(${poll.id}::uuid)`);
    for (const row of await countsAndRecounts(poll.id)) expect(row.maintained).toBe(row.recount);
    expect((await resultsOf(poll, owner)).questions[0]?.choices[0]?.votes).toBe(4);
  });
});
