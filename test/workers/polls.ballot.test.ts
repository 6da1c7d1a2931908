import { describe, expect, it } from "vitest";
import type { OwnBallot } from "../../src/routes/polls/polls.ballot.schemas.ts";
import { apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { subscribeLive } from "../helpers/live.ts";
import { countsAndRecounts } from "../helpers/poll-counts.ts";
import {
  anonymousBrowser,
  answersFor,
  ownBallotAs,
  ownerWithPoll,
  resultsOf,
  twoQuestions,
  voteAs,
} from "../helpers/polls.ts";

const votesOf = async (...args: Parameters<typeof resultsOf>) =>
  (await resultsOf(...args)).questions.map((question) => question.choices.map((choice) => choice.votes));

describe("own ballot", () => {
  it("shows the account its answers, replaces them and withdraws them, the counts following", async () => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    expect((await voteAs(voter, poll, answersFor(poll, [[0], [0, 1]]))).status).toBe(201);

    const mine = (await (await ownBallotAs(voter, poll, "GET")).json()) as OwnBallot;
    expect(mine.answers).toEqual(answersFor(poll, [[0], [0, 1]]).answers);
    expect(mine).toMatchObject({ poll_id: poll.id, can_change: true, changed_at: null });

    const replaced = await ownBallotAs(voter, poll, "PUT", answersFor(poll, [[2], [1, 2]]));
    expect(replaced.status).toBe(200);
    const after = (await replaced.json()) as OwnBallot;
    expect(after.answers).toEqual(answersFor(poll, [[2], [1, 2]]).answers);
    expect(after.ballot_id).toBe(mine.ballot_id);
    expect(after.changed_at).not.toBeNull();
    expect(await votesOf(poll, owner)).toEqual([
      [0, 0, 1],
      [0, 1, 1],
    ]);

    expect((await ownBallotAs(voter, poll, "DELETE")).status).toBe(204);
    expect(await votesOf(poll, owner)).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
    await expectProblem(await ownBallotAs(voter, poll, "GET"), 404, "ballot-not-found");
    await expectProblem(await ownBallotAs(voter, poll, "DELETE"), 404, "ballot-not-found");
    // A withdrawn voter may vote again.
    expect((await voteAs(voter, poll, answersFor(poll))).status).toBe(201);
    for (const row of await countsAndRecounts(poll.id)) expect(row.maintained).toBe(row.recount);
  });

  it("tells live subscribers of a change and of a withdrawal, as of a vote", async () => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    const live = await subscribeLive(poll.id);
    await live.waitFor((message) => message.type === "results");
    await voteAs(voter, poll, answersFor(poll));
    await live.waitFor((message) => message.results?.questions[0]?.choices[0]?.votes === 1);
    let seen = live.messages.length;
    expect((await ownBallotAs(voter, poll, "PUT", answersFor(poll, [[2], [0]]))).status).toBe(200);
    const changed = await live.waitFor(
      (message) => message.results?.questions[0]?.choices[2]?.votes === 1,
      seen,
    );
    expect(changed.results?.questions[0]?.choices.map((choice) => choice.votes)).toEqual([0, 0, 1]);
    seen = live.messages.length;
    expect((await ownBallotAs(voter, poll, "DELETE")).status).toBe(204);
    const withdrawn = await live.waitFor((message) => message.results?.total_voters === 0, seen);
    expect(withdrawn.results).toEqual(await resultsOf(poll, owner));
    live.socket.close();
  });

  it("knows an anonymous voter by the browser's cookie, and a browser without it has no ballot", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous" }));
    const browser = await anonymousBrowser(poll.id);
    expect((await browser.vote(answersFor(poll))).status).toBe(201);
    expect((await browser.mine("PUT", answersFor(poll, [[1], [2]]))).status).toBe(200);
    expect(await votesOf(poll, owner)).toEqual([
      [0, 1, 0],
      [0, 0, 1],
    ]);
    const stranger = await anonymousBrowser(poll.id);
    await expectProblem(await stranger.mine("GET"), 404, "ballot-not-found");
    await expectProblem(await stranger.mine("DELETE"), 404, "ballot-not-found");
    const forged = await apiJson(`/polls/${poll.id}/votes/mine`, "PUT", answersFor(poll), {
      Cookie: `${browser.cookie.slice(0, -3)}xyz`,
      "CF-Connecting-IP": browser.ip,
    });
    await expectProblem(forged, 404, "ballot-not-found");
    // Nor does an account: the anonymous poll counts browsers.
    await expectProblem(await ownBallotAs(owner, poll, "GET"), 404, "ballot-not-found");
  });

  it("refuses a change a browser on another site sends with the voter cookie", async () => {
    const { poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous" }));
    const browser = await anonymousBrowser(poll.id);
    expect((await browser.vote(answersFor(poll))).status).toBe(201);
    const response = await apiJson(`/polls/${poll.id}/votes/mine`, "DELETE", undefined, {
      Cookie: browser.cookie,
      "Sec-Fetch-Site": "cross-site",
    });
    await expectProblem(response, 403, "forbidden");
    expect((await browser.mine("GET")).status).toBe(200);
  });

  it("refuses changes on a poll that does not allow them, with a stable type, and says so on the ballot", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ allow_vote_changes: false }));
    expect(poll.allow_vote_changes).toBe(false);
    const voter = await registerUser();
    await voteAs(voter, poll, answersFor(poll));
    expect(((await (await ownBallotAs(voter, poll, "GET")).json()) as OwnBallot).can_change).toBe(false);
    await expectProblem(
      await ownBallotAs(voter, poll, "PUT", answersFor(poll, [[1], [1]])),
      409,
      "vote-changes-disabled",
    );
    await expectProblem(await ownBallotAs(voter, poll, "DELETE"), 409, "vote-changes-disabled");
    expect(await votesOf(poll, owner)).toEqual([
      [1, 0, 0],
      [1, 0, 0],
    ]);
    // The owner may allow them later.
    const patched = await apiJson(
      `/polls/${poll.id}`,
      "PATCH",
      { allow_vote_changes: true },
      bearer(owner.tokens.access_token),
    );
    expect(patched.status).toBe(200);
    expect((await ownBallotAs(voter, poll, "DELETE")).status).toBe(204);
  });

  it("refuses changes once the poll is closed", async () => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    await voteAs(voter, poll, answersFor(poll));
    await apiJson(`/polls/${poll.id}/close`, "POST", undefined, bearer(owner.tokens.access_token));
    await expectProblem(
      await ownBallotAs(voter, poll, "PUT", answersFor(poll, [[1], [1]])),
      409,
      "poll-closed",
    );
    await expectProblem(await ownBallotAs(voter, poll, "DELETE"), 409, "poll-closed");
    expect(((await (await ownBallotAs(voter, poll, "GET")).json()) as OwnBallot).can_change).toBe(false);
  });

  it("validates a replacement like a ballot and leaves the old answers on refusal", async () => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    await voteAs(voter, poll, answersFor(poll));
    const tooMany = await ownBallotAs(voter, poll, "PUT", answersFor(poll, [[0], [0, 1, 2]]));
    const problem = await expectProblem(tooMany, 422, "validation-failed");
    expect(problem.errors?.[0]?.path).toBe("body.answers.1.choice_ids");
    const unanswered = {
      answers: [{ question_id: poll.questions[0]?.id, choice_ids: [poll.questions[0]?.choices[1]?.id] }],
    };
    await expectProblem(await ownBallotAs(voter, poll, "PUT", unanswered), 422, "validation-failed");
    expect(await votesOf(poll, owner)).toEqual([
      [1, 0, 0],
      [1, 0, 0],
    ]);
  });

  it("on an authenticated poll, needs the account", async () => {
    const { poll } = await ownerWithPoll();
    await expectProblem(
      await apiJson(`/polls/${poll.id}/votes/mine`, "DELETE", undefined, {}),
      401,
      "unauthorized",
    );
    await expectProblem(
      await apiJson("/polls/0190f5d4-0000-7000-8000-000000000000/votes/mine", "GET", undefined, {}),
      404,
      "not-found",
    );
  });
});
