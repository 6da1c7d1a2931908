import { describe, expect, it } from "vitest";
import { registerUser } from "../helpers/auth.ts";
import {
  anonymousBrowser,
  answersFor,
  ownerWithPoll,
  resultsOf,
  twoQuestions,
  voteAs,
} from "../helpers/polls.ts";

describe("one vote per voter under concurrency", () => {
  it("200 distinct voters at once: exactly 200 counted", async () => {
    const { owner, poll } = await ownerWithPoll(
      twoQuestions({ voters: "anonymous", max_votes_per_ip: 1000 }),
    );
    const browsers = await Promise.all(Array.from({ length: 200 }, () => anonymousBrowser(poll.id)));
    expect(new Set(browsers.map((b) => b.cookie)).size).toBe(200);
    const responses = await Promise.all(
      browsers.map((browser, i) => browser.vote(answersFor(poll, [[i % 3], [i % 3]]))),
    );
    expect(responses.map((r) => r.status).filter((s) => s === 201)).toHaveLength(200);
    const results = await resultsOf(poll, owner);
    expect(results.total_voters).toBe(200);
    expect(results.questions[0]?.choices.reduce((sum, c) => sum + c.votes, 0)).toBe(200);
  });

  it("30 simultaneous votes from one browser: exactly 1 counted, 29 × 409", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous" }));
    const browser = await anonymousBrowser(poll.id);
    const responses = await Promise.all(Array.from({ length: 30 }, () => browser.vote(answersFor(poll))));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });

  it("30 simultaneous votes from one account: exactly 1 counted, 29 × 409", async () => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => voteAs(voter, poll, answersFor(poll))),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(29);
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });

  it("the per-address cap holds when one address votes from many browsers at once", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous", max_votes_per_ip: 5 }));
    const ip = "192.0.2.77";
    const browsers = await Promise.all(Array.from({ length: 20 }, () => anonymousBrowser(poll.id, ip)));
    const responses = await Promise.all(browsers.map((browser) => browser.vote(answersFor(poll))));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(5);
    expect(responses.filter((r) => r.status === 429)).toHaveLength(15);
    expect((await resultsOf(poll, owner)).total_voters).toBe(5);
  });
});
