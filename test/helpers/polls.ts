import type { Poll, PollResults } from "../../src/routes/polls/polls.schemas.ts";
import { api, apiJson } from "./api.ts";
import { bearer, randomIp, registerUser, type TestUser } from "./auth.ts";

export const twoQuestions = (overrides: Record<string, unknown> = {}) => ({
  title: "Team lunch",
  questions: [
    {
      prompt: "Where?",
      kind: "single",
      choices: [{ label: "Pizza" }, { label: "Sushi" }, { label: "Tacos" }],
    },
    {
      prompt: "Extras?",
      kind: "multiple",
      max_selections: 2,
      choices: [{ label: "Drinks" }, { label: "Dessert" }, { label: "Salad" }],
    },
  ],
  ...overrides,
});

export async function createPoll(owner: TestUser, body: Record<string, unknown>): Promise<Poll> {
  const response = await apiJson("/polls", "POST", body, bearer(owner.tokens.access_token));
  if (response.status !== 201)
    throw new Error(`create poll failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as Poll;
}

export async function ownerWithPoll(body: Record<string, unknown> = twoQuestions()) {
  const owner = await registerUser();
  return { owner, poll: await createPoll(owner, body) };
}

/** One answer per question: the first choice, or the given indexes. */
export function answersFor(poll: Poll, picks: number[][] = poll.questions.map(() => [0])) {
  return {
    answers: poll.questions.map((question, index) => ({
      question_id: question.id,
      choice_ids: (picks[index] ?? [0]).map((pick) => question.choices[pick]?.id as string),
    })),
  };
}

export function voteAs(user: TestUser, poll: Poll, body: unknown) {
  return apiJson(`/polls/${poll.id}/votes`, "POST", body, {
    ...bearer(user.tokens.access_token),
    "CF-Connecting-IP": randomIp(),
  });
}

/** The account's own ballot: `GET`, `PUT` (with a body) or `DELETE /polls/{id}/votes/mine`. */
export function ownBallotAs(user: TestUser, poll: Poll, method: "GET" | "PUT" | "DELETE", body?: unknown) {
  return apiJson(`/polls/${poll.id}/votes/mine`, method, body, {
    ...bearer(user.tokens.access_token),
    "CF-Connecting-IP": randomIp(),
  });
}

/** An anonymous browser: gets its voter cookie from a first visit and keeps its address. */
export async function anonymousBrowser(pollId: string, ip = randomIp()) {
  const visit = await api(`/polls/${pollId}`, { headers: { "CF-Connecting-IP": ip } });
  const setCookie = visit.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  return {
    cookie,
    ip,
    vote: (body: unknown, cookieOverride?: string) =>
      apiJson(`/polls/${pollId}/votes`, "POST", body, {
        Cookie: cookieOverride ?? cookie,
        "CF-Connecting-IP": ip,
      }),
    mine: (method: "GET" | "PUT" | "DELETE", body?: unknown) =>
      apiJson(`/polls/${pollId}/votes/mine`, method, body, { Cookie: cookie, "CF-Connecting-IP": ip }),
    results: (accept = "application/json") =>
      api(`/polls/${pollId}/results`, { headers: { Cookie: cookie, Accept: accept } }),
  };
}

export async function resultsOf(poll: Poll, owner: TestUser): Promise<PollResults> {
  const response = await api(`/polls/${poll.id}/results`, { headers: bearer(owner.tokens.access_token) });
  if (response.status !== 200) throw new Error(`results failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as PollResults;
}

/** The poll page's vote without script (`POST /polls/{id}/ballot`), posted from this site as a browser does. */
export function formBallot(pollId: string, body: URLSearchParams, cookie = "") {
  return api(`/polls/${pollId}/ballot`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "CF-Connecting-IP": randomIp(),
      "Sec-Fetch-Site": "same-origin",
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body,
    redirect: "manual",
  });
}
