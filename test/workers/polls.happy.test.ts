import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Poll, PollList } from "../../src/routes/polls/polls.schemas.ts";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, getAs, registerUser } from "../helpers/auth.ts";
import { runSql } from "../helpers/db.ts";
import {
  anonymousBrowser,
  answersFor,
  createPoll,
  ownerWithPoll,
  resultsOf,
  twoQuestions,
  voteAs,
} from "../helpers/polls.ts";

describe("creating and reading polls", () => {
  it("creates the poll with questions and choices in one request", async () => {
    const owner = await registerUser();
    const response = await apiJson(
      "/polls",
      "POST",
      twoQuestions({ description: "Friday" }),
      bearer(owner.tokens.access_token),
    );
    expect(response.status).toBe(201);
    const poll = (await response.json()) as Poll;
    expect(response.headers.get("location")).toBe(`/polls/${poll.id}`);
    expect(poll).toMatchObject({
      title: "Team lunch",
      status: "open",
      voters: "authenticated",
      has_voted: false,
    });
    expect(poll.questions.map((q) => [q.prompt, q.kind, q.max_selections])).toEqual([
      ["Where?", "single", 1],
      ["Extras?", "multiple", 2],
    ]);
    expect(poll.questions[0]?.choices.map((c) => c.label)).toEqual(["Pizza", "Sushi", "Tacos"]);
    const fetched = (await (await api(`/polls/${poll.id}`)).json()) as Poll;
    expect(fetched.questions).toEqual(poll.questions);
  });

  it("reports has_voted for the caller", async () => {
    const { poll } = await ownerWithPoll();
    const voter = await registerUser();
    expect(
      ((await (await getAs(`/polls/${poll.id}`, voter.tokens.access_token)).json()) as Poll).has_voted,
    ).toBe(false);
    expect((await voteAs(voter, poll, answersFor(poll))).status).toBe(201);
    expect(
      ((await (await getAs(`/polls/${poll.id}`, voter.tokens.access_token)).json()) as Poll).has_voted,
    ).toBe(true);
  });

  it("lists polls newest first with status and mine filters and a cursor", async () => {
    const owner = await registerUser();
    const created: Poll[] = [];
    for (let i = 0; i < 5; i += 1)
      created.push(await createPoll(owner, twoQuestions({ title: `poll ${i}` })));
    await api(`/polls/${created[0]?.id}/close`, {
      method: "POST",
      headers: bearer(owner.tokens.access_token),
    });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await getAs(
        `/polls?mine=true&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
        owner.tokens.access_token,
      );
      const page = (await response.json()) as PollList;
      seen.push(...page.items.map((p) => p.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(created.map((p) => p.id).reverse());
    const closed = (await (
      await getAs("/polls?mine=true&status=closed", owner.tokens.access_token)
    ).json()) as PollList;
    expect(closed.items.map((p) => p.id)).toEqual([created[0]?.id]);
    await expectProblem(await api("/polls?mine=true"), 401, "unauthorized");
  });
});

describe("editing", () => {
  it("lets the owner edit everything before the first vote, only details after", async () => {
    const { owner, poll } = await ownerWithPoll();
    const auth = bearer(owner.tokens.access_token);
    const edited = await apiJson(
      `/polls/${poll.id}`,
      "PATCH",
      {
        title: "Lunch v2",
        questions: [{ prompt: "Day?", choices: [{ label: "Thu" }, { label: "Fri" }] }],
      },
      auth,
    );
    expect(edited.status).toBe(200);
    const after = (await edited.json()) as Poll;
    expect(after.title).toBe("Lunch v2");
    expect(after.questions.map((q) => q.prompt)).toEqual(["Day?"]);

    const voter = await registerUser();
    expect((await voteAs(voter, after, answersFor(after))).status).toBe(201);
    const blocked = await apiJson(
      `/polls/${poll.id}`,
      "PATCH",
      { questions: twoQuestions().questions },
      auth,
    );
    await expectProblem(blocked, 409, "poll-has-votes");
    const unchanged = (await (await api(`/polls/${poll.id}`)).json()) as Poll;
    expect(unchanged.questions).toEqual(after.questions);
    const retitled = await apiJson(
      `/polls/${poll.id}`,
      "PATCH",
      { description: "still editable", closes_at: null },
      auth,
    );
    expect(retitled.status).toBe(200);
  });

  it("refuses edits, closes and deletes by other users (403)", async () => {
    const { poll } = await ownerWithPoll();
    const other = await registerUser();
    const auth = bearer(other.tokens.access_token);
    await expectProblem(
      await apiJson(`/polls/${poll.id}`, "PATCH", { title: "mine now" }, auth),
      403,
      "forbidden",
    );
    await expectProblem(
      await api(`/polls/${poll.id}/close`, { method: "POST", headers: auth }),
      403,
      "forbidden",
    );
    await expectProblem(
      await api(`/polls/${poll.id}`, { method: "DELETE", headers: auth }),
      403,
      "forbidden",
    );
    expect(((await (await api(`/polls/${poll.id}`)).json()) as Poll).title).toBe("Team lunch");
  });

  it("closes early and deletes (soft)", async () => {
    const { owner, poll } = await ownerWithPoll();
    const auth = bearer(owner.tokens.access_token);
    const closed = await api(`/polls/${poll.id}/close`, { method: "POST", headers: auth });
    expect(((await closed.json()) as Poll).status).toBe("closed");
    const voter = await registerUser();
    await expectProblem(await voteAs(voter, poll, answersFor(poll)), 409, "poll-closed");
    expect((await api(`/polls/${poll.id}`, { method: "DELETE", headers: auth })).status).toBe(204);
    await expectProblem(await api(`/polls/${poll.id}`), 404, "not-found");
    await expectProblem(await voteAs(voter, poll, answersFor(poll)), 404, "not-found");
  });
});

describe("voting", () => {
  it("counts a vote once and answers a second with 409 already-voted, changing nothing", async () => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    const first = await voteAs(voter, poll, answersFor(poll, [[1], [0, 2]]));
    expect(first.status).toBe(201);
    const again = await voteAs(voter, poll, answersFor(poll, [[2], [1]]));
    await expectProblem(again, 409, "already-voted");
    const results = await resultsOf(poll, owner);
    expect(results.total_voters).toBe(1);
    expect(results.questions[0]?.choices.map((c) => c.votes)).toEqual([0, 1, 0]);
    expect(results.questions[1]?.choices.map((c) => c.votes)).toEqual([1, 0, 1]);
  });

  it("needs an account on authenticated polls", async () => {
    const { poll } = await ownerWithPoll();
    await expectProblem(
      await apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll)),
      401,
      "unauthorized",
    );
  });

  it("rejects votes on an expired poll by the database clock", async () => {
    const { owner, poll } = await ownerWithPoll(
      twoQuestions({ closes_at: new Date(Date.now() + 3600_000).toISOString() }),
    );
    await runSql(sql`UPDATE polls SET closes_at = now() - interval '1 second' WHERE id = ${poll.id}`);
    const voter = await registerUser();
    await expectProblem(await voteAs(voter, poll, answersFor(poll)), 409, "poll-closed");
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
    expect(((await (await api(`/polls/${poll.id}`)).json()) as Poll).status).toBe("closed");
  });

  it("anonymous polls: one vote per browser cookie, and a cap per address", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous", max_votes_per_ip: 2 }));
    const office = "203.0.113.50";
    const alice = await anonymousBrowser(poll.id, office);
    expect(alice.cookie).toMatch(/^dh_voter=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect((await alice.vote(answersFor(poll))).status).toBe(201);
    await expectProblem(await alice.vote(answersFor(poll)), 409, "already-voted");
    const bob = await anonymousBrowser(poll.id, office);
    expect((await bob.vote(answersFor(poll))).status).toBe(201);
    const carol = await anonymousBrowser(poll.id, office);
    await expectProblem(await carol.vote(answersFor(poll)), 429, "vote-limit-reached");
    const elsewhere = await anonymousBrowser(poll.id);
    expect((await elsewhere.vote(answersFor(poll))).status).toBe(201);
    expect((await resultsOf(poll, owner)).total_voters).toBe(3);
  });

  it("never stores a raw client address", async () => {
    const { poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous" }));
    const ip = "198.18.7.42";
    const browser = await anonymousBrowser(poll.id, ip);
    expect((await browser.vote(answersFor(poll))).status).toBe(201);
    const rows = await runSql<{ row: string }>(
      sql`SELECT row_to_json(b)::text AS row FROM poll_ballots b WHERE poll_id = ${poll.id}`,
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.row).not.toContain(ip);
    expect(rows[0]?.row).toMatch(/"ip_hash":"[A-Za-z0-9_-]{43}"/);
  });
});

describe("results", () => {
  it("gives one-decimal percentages that sum to 100.0 for single-choice questions", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous" }));
    for (const pick of [0, 1, 2]) {
      const browser = await anonymousBrowser(poll.id);
      expect((await browser.vote(answersFor(poll, [[pick], [0, 1]]))).status).toBe(201);
    }
    const results = await resultsOf(poll, owner);
    const single = results.questions[0];
    expect(single?.voters).toBe(3);
    expect(single?.choices.map((c) => c.percent)).toEqual([33.4, 33.3, 33.3]);
    const sum = single?.choices.reduce((total, c) => total + c.percent, 0) ?? 0;
    expect(Math.abs(sum - 100)).toBeLessThanOrEqual(0.1);
    expect(results.questions[1]?.choices.map((c) => c.percent)).toEqual([100, 100, 0]);
  });

  it("honours results_visibility: after_vote", async () => {
    const { poll } = await ownerWithPoll(
      twoQuestions({ voters: "anonymous", results_visibility: "after_vote" }),
    );
    const browser = await anonymousBrowser(poll.id);
    await expectProblem(await browser.results(), 403, "results-hidden");
    expect((await browser.vote(answersFor(poll))).status).toBe(201);
    expect((await browser.results()).status).toBe(200);
  });

  it("honours results_visibility: after_close (the owner always sees them)", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ results_visibility: "after_close" }));
    const voter = await registerUser();
    await voteAs(voter, poll, answersFor(poll));
    await expectProblem(
      await getAs(`/polls/${poll.id}/results`, voter.tokens.access_token),
      403,
      "results-hidden",
    );
    expect((await getAs(`/polls/${poll.id}/results`, owner.tokens.access_token)).status).toBe(200);
    await api(`/polls/${poll.id}/close`, { method: "POST", headers: bearer(owner.tokens.access_token) });
    expect((await getAs(`/polls/${poll.id}/results`, voter.tokens.access_token)).status).toBe(200);
  });
});
