import { describe, expect, it } from "vitest";
import type { Poll, PollList } from "../../src/routes/polls/polls.schemas.ts";
import { api, apiJson, expectProblem, ORIGIN } from "../helpers/api.ts";
import { adminTokens, bearer, randomIp, registerUser } from "../helpers/auth.ts";
import { anonymousBrowser, answersFor, ownerWithPoll, resultsOf, twoQuestions } from "../helpers/polls.ts";

const EVIL = "https://evil.example";

async function anonymousPoll() {
  return ownerWithPoll(twoQuestions({ voters: "anonymous", max_votes_per_ip: 100 }));
}

describe("ballots a page on another site makes its visitors' browsers cast", () => {
  it("refuses a ballot a browser sends from another site, even with the voter cookie", async () => {
    const { owner, poll } = await anonymousPoll();
    const browser = await anonymousBrowser(poll.id);
    const fromElsewhere = (headers: Record<string, string>) =>
      apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll), {
        Cookie: browser.cookie,
        "CF-Connecting-IP": browser.ip,
        ...headers,
      });
    await expectProblem(await fromElsewhere({ Origin: EVIL }), 403, "forbidden");
    await expectProblem(
      await fromElsewhere({ "Sec-Fetch-Site": "cross-site", Origin: EVIL }),
      403,
      "forbidden",
    );
    await expectProblem(await fromElsewhere({ "Sec-Fetch-Site": "same-site" }), 403, "forbidden");
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
    // The same browser on this site's page is counted.
    expect((await fromElsewhere({ "Sec-Fetch-Site": "same-origin", Origin: ORIGIN })).status).toBe(201);
  });

  it("refuses an anonymous ballot without the voter cookie this API issued, and sets one to vote with", async () => {
    const { owner, poll } = await anonymousPoll();
    const ip = randomIp();
    const bare = await apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll), {
      "CF-Connecting-IP": ip,
    });
    const cookie = (bare.headers.get("set-cookie") ?? "").split(";")[0] as string;
    const problem = await expectProblem(bare, 400, "invalid-voter-cookie");
    expect(problem.detail).toContain("GET /polls/{id}");
    expect(cookie).toMatch(/^dh_voter=/);
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
    const again = await apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll), {
      Cookie: cookie,
      "CF-Connecting-IP": ip,
    });
    expect(again.status).toBe(201);
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });

  it("takes a first ballot from this site's own page before it holds a cookie, and marks the browser", async () => {
    const { owner, poll } = await anonymousPoll();
    const response = await apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll), {
      "CF-Connecting-IP": randomIp(),
      "Sec-Fetch-Site": "same-origin",
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("set-cookie")).toMatch(/^dh_voter=/);
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });

  it("keeps bearer-authenticated ballots working from other origins (a token is not ambient)", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "authenticated" }));
    const voter = await registerUser();
    const response = await apiJson(`/polls/${poll.id}/votes`, "POST", answersFor(poll), {
      ...bearer(voter.tokens.access_token),
      "CF-Connecting-IP": randomIp(),
      Origin: EVIL,
      "Sec-Fetch-Site": "cross-site",
    });
    expect(response.status).toBe(201);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });
});

describe("a choice id in another letter case", () => {
  /** The second (multiple-choice) question answered with one choice twice: as sent and in capitals. */
  function caseTwins(poll: Poll) {
    const body = answersFor(poll, [[0], [0]]);
    const extras = body.answers[1] as { choice_ids: string[] };
    extras.choice_ids.push((extras.choice_ids[0] as string).toUpperCase());
    return body;
  }

  it("is a repeated choice on the JSON vote (422), like an exact repeat, and nothing is stored", async () => {
    const { owner, poll } = await anonymousPoll();
    const browser = await anonymousBrowser(poll.id);
    const problem = await expectProblem(await browser.vote(caseTwins(poll)), 422, "validation-failed");
    expect(problem.errors?.map((error) => error.path)).toEqual(["body.answers.1.choice_ids.1"]);
    const exact = answersFor(poll, [[0], [0, 0]]);
    const exactProblem = await expectProblem(await browser.vote(exact), 422, "validation-failed");
    expect(exactProblem.errors).toEqual(problem.errors);
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
  });

  it("is a repeated choice on the page's form vote, and nothing is stored", async () => {
    const { owner, poll } = await anonymousPoll();
    const [first, second] = caseTwins(poll).answers as Array<{ question_id: string; choice_ids: string[] }>;
    const form = new URLSearchParams();
    for (const answer of [first, second])
      for (const choice of answer?.choice_ids ?? []) form.append(`q.${answer?.question_id}`, choice);
    const response = await api(`/polls/${poll.id}/ballot`, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "CF-Connecting-IP": randomIp(),
        "Sec-Fetch-Site": "same-origin",
      },
      body: form,
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toContain("outcome=validation-failed");
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
  });

  it("names the same choice: a ballot sent in capitals is counted on it", async () => {
    const { owner, poll } = await anonymousPoll();
    const browser = await anonymousBrowser(poll.id);
    const capitals = {
      answers: answersFor(poll, [[2], [1]]).answers.map((answer) => ({
        question_id: answer.question_id.toUpperCase(),
        choice_ids: answer.choice_ids.map((id) => id.toUpperCase()),
      })),
    };
    expect((await browser.vote(capitals)).status).toBe(201);
    const results = await resultsOf(poll, owner);
    expect(results.questions.map((question) => question.choices.map((choice) => choice.votes))).toEqual([
      [0, 0, 1],
      [0, 1, 0],
    ]);
  });
});

describe("who sees a poll's owner_id", () => {
  it("the owner and admins do; anonymous callers and other accounts do not (a UUIDv7 dates the account)", async () => {
    const { owner, poll } = await anonymousPoll();
    const stranger = await registerUser();
    const admin = await adminTokens();
    const asOwner = bearer(owner.tokens.access_token);
    const listed = async (headers: Record<string, string>, query = "limit=100") =>
      ((await (await api(`/polls?${query}`, { headers })).json()) as PollList).items;

    const anonymousPage = await listed({});
    expect(anonymousPage.some((item) => item.id === poll.id)).toBe(true);
    expect(anonymousPage.filter((item) => "owner_id" in item)).toEqual([]);
    const strangerPage = await listed(bearer(stranger.tokens.access_token));
    expect(
      strangerPage.filter((item) => "owner_id" in item && item.owner_id !== stranger.tokens.user.id),
    ).toEqual([]);
    const ownPage = await listed(asOwner, "mine=true");
    expect(ownPage.map((item) => item.owner_id)).toEqual([owner.tokens.user.id]);
    const adminPage = await listed(bearer(admin.access_token));
    expect(adminPage.find((item) => item.id === poll.id)?.owner_id).toBe(owner.tokens.user.id);

    const read = async (headers: Record<string, string>) =>
      (await (await api(`/polls/${poll.id}`, { headers })).json()) as Poll;
    expect("owner_id" in (await read({}))).toBe(false);
    expect("owner_id" in (await read(bearer(stranger.tokens.access_token)))).toBe(false);
    expect((await read(asOwner)).owner_id).toBe(owner.tokens.user.id);
    expect((await read(bearer(admin.access_token))).owner_id).toBe(owner.tokens.user.id);
  });
});
