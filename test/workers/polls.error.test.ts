import { describe, expect, it } from "vitest";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import {
  anonymousBrowser,
  answersFor,
  ownerWithPoll,
  resultsOf,
  twoQuestions,
  voteAs,
} from "../helpers/polls.ts";

describe("bad ballots write nothing", () => {
  it("rejects choices from another poll, missing answers and too many picks with field errors", async () => {
    const { owner, poll } = await ownerWithPoll();
    const { poll: other } = await ownerWithPoll();
    const voter = await registerUser();
    const foreign = answersFor(poll);
    (foreign.answers[0] as { choice_ids: string[] }).choice_ids = [
      other.questions[0]?.choices[0]?.id as string,
    ];
    const cases: Array<[unknown, string]> = [
      [foreign, "body.answers.0.choice_ids.0"],
      [{ answers: [answersFor(poll).answers[0]] }, "body.answers"],
      [answersFor(poll, [[0, 1], [0]]), "body.answers.0.choice_ids"],
      [answersFor(poll, [[0], [0, 1, 2]]), "body.answers.1.choice_ids"],
      [
        { answers: [...answersFor(poll).answers, answersFor(other).answers[0]] },
        "body.answers.2.question_id",
      ],
    ];
    for (const [body, path] of cases) {
      const problem = await expectProblem(await voteAs(voter, poll, body), 422, "validation-failed");
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
    expect((await voteAs(voter, poll, answersFor(poll))).status).toBe(201);
  });

  it.each([
    [
      "duplicated choice ids",
      (q: string, c: string) => ({ answers: [{ question_id: q, choice_ids: [c, c] }] }),
    ],
    [
      "a question answered twice",
      (q: string, c: string) => ({
        answers: [
          { question_id: q, choice_ids: [c] },
          { question_id: q, choice_ids: [c] },
        ],
      }),
    ],
    ["strings for ids", () => ({ answers: [{ question_id: "first", choice_ids: ["pizza"] }] })],
    ["numbers for ids", () => ({ answers: [{ question_id: 1, choice_ids: [2] }] })],
    [
      "a huge array",
      (q: string, c: string) => ({
        answers: [{ question_id: q, choice_ids: Array.from({ length: 5000 }, () => c) }],
      }),
    ],
    [
      "unknown fields",
      (q: string, c: string) => ({ answers: [{ question_id: q, choice_ids: [c] }], weight: 1000 }),
    ],
    ["no answers", () => ({ answers: [] })],
  ])("rejects %s with 422", async (_label, make) => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    const q = poll.questions[0]?.id as string;
    const c = poll.questions[0]?.choices[0]?.id as string;
    await expectProblem(await voteAs(voter, poll, make(q, c)), 422, "validation-failed");
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
  });

  it("answers a tampered voter cookie with 400 and a fresh cookie, counting nothing", async () => {
    const { owner, poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous" }));
    const browser = await anonymousBrowser(poll.id);
    const [name, value] = browser.cookie.split("=") as [string, string];
    const [id, mac] = value.split(".") as [string, string];
    // Change a middle character: the last one of a base64url MAC partly encodes padding bits.
    const altered = `${mac.slice(0, 10)}${mac[10] === "A" ? "B" : "A"}${mac.slice(11)}`;
    for (const forged of [
      `${name}=${id}.${altered}`,
      `${name}=${"A".repeat(22)}.${mac}`,
      `${name}=garbage`,
      // Longer than any cookie this API issues: still a forgery, not a 422 about a cookie.
      `${name}=${id}.${mac}${"A".repeat(200)}`,
    ]) {
      const response = await browser.vote(answersFor(poll), forged);
      await expectProblem(response, 400, "invalid-voter-cookie");
      expect(response.headers.get("set-cookie")).toMatch(/^dh_voter=/);
    }
    expect((await resultsOf(poll, owner)).total_voters).toBe(0);
  });

  it("reads results past an over-long forged voter cookie, as past any other forged one", async () => {
    const { poll } = await ownerWithPoll(twoQuestions({ voters: "anonymous" }));
    const cookie = `dh_voter=${"A".repeat(300)}`;
    const results = await api(`/polls/${poll.id}/results`, { headers: { Cookie: cookie } });
    expect(results.status).toBe(200);
    await results.body?.cancel();
  });

  it("answers unknown and deleted polls with 404", async () => {
    const { owner, poll } = await ownerWithPoll();
    const voter = await registerUser();
    await expectProblem(
      await voteAs(voter, { ...poll, id: crypto.randomUUID() }, answersFor(poll)),
      404,
      "not-found",
    );
    await api(`/polls/${poll.id}`, { method: "DELETE", headers: bearer(owner.tokens.access_token) });
    await expectProblem(await voteAs(voter, poll, answersFor(poll)), 404, "not-found");
    await expectProblem(await api(`/polls/${poll.id}/results`), 404, "not-found");
    await expectProblem(await api("/polls/not-a-uuid"), 422, "validation-failed");
  });
});

describe("poll validation", () => {
  const create = async (body: unknown) => {
    const owner = await registerUser();
    return apiJson("/polls", "POST", body, bearer(owner.tokens.access_token));
  };

  it.each([
    ["closes_at in the past", { ...twoQuestions(), closes_at: "2020-01-01T00:00:00Z" }, "body.closes_at"],
    ["no questions", { ...twoQuestions(), questions: [] }, "body.questions"],
    [
      "21 questions",
      { ...twoQuestions(), questions: Array.from({ length: 21 }, () => twoQuestions().questions[0]) },
      "body.questions",
    ],
    [
      "one choice",
      { ...twoQuestions(), questions: [{ prompt: "?", choices: [{ label: "only" }] }] },
      "body.questions.0.choices",
    ],
    [
      "21 choices",
      {
        ...twoQuestions(),
        questions: [{ prompt: "?", choices: Array.from({ length: 21 }, (_, i) => ({ label: `c${i}` })) }],
      },
      "body.questions.0.choices",
    ],
    [
      "single with max_selections 2",
      {
        ...twoQuestions(),
        questions: [
          { prompt: "?", kind: "single", max_selections: 2, choices: [{ label: "a" }, { label: "b" }] },
        ],
      },
      "body.questions.0.max_selections",
    ],
    [
      "max_selections over the choices",
      {
        ...twoQuestions(),
        questions: [
          { prompt: "?", kind: "multiple", max_selections: 3, choices: [{ label: "a" }, { label: "b" }] },
        ],
      },
      "body.questions.0.max_selections",
    ],
    [
      "duplicate choices",
      { ...twoQuestions(), questions: [{ prompt: "?", choices: [{ label: "Same" }, { label: "same" }] }] },
      "body.questions.0.choices.1.label",
    ],
    ["an unknown voters policy", { ...twoQuestions(), voters: "everyone" }, "body.voters"],
  ])("rejects %s with 422", async (_label, body, path) => {
    const problem = await expectProblem(await create(body), 422, "validation-failed");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });
});
