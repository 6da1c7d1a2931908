import createClient from "openapi-fetch";
import type { components, paths } from "./schema.d.ts";

/**
 * What a client generated from the document alone can do, with no hand-written types:
 * sign up, create a note and a poll, vote and read the results. `npm run typecheck`
 * checks it against test/client/schema.d.ts; test/workers/openapi-client.test.ts runs
 * it against the worker.
 */
export type ApiClient = ReturnType<typeof createClient<paths>>;

export function apiClient(baseUrl: string, fetch: (request: Request) => Promise<Response>): ApiClient {
  return createClient<paths>({ baseUrl, fetch });
}

export interface ScenarioOutcome {
  note: components["schemas"]["Note"];
  poll: components["schemas"]["Poll"];
  ballot: components["schemas"]["Ballot"];
  results: components["schemas"]["PollResults"];
}

/** Fails loudly with the problem document when a step answers anything but success. */
function expectData<T>(step: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.data === undefined) {
    throw new Error(`${step}: ${result.response.status} ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

export async function notePollVoteScenario(
  client: ApiClient,
  email: string,
  ip: string,
): Promise<ScenarioOutcome> {
  const session = expectData(
    "register",
    await client.POST("/auth/register", {
      body: { email, password: "tangerine-Otter-42-skyline", display_name: "Generated Client" },
      headers: { "CF-Connecting-IP": ip },
    }),
  );
  const headers = { Authorization: `Bearer ${session.access_token}`, "CF-Connecting-IP": ip };

  const note = expectData(
    "create note",
    await client.POST("/notes", {
      body: { title: "Written by a generated client", tags: ["generated"] },
      params: { header: { "idempotency-key": crypto.randomUUID() } },
      headers,
    }),
  );

  const poll = expectData(
    "create poll",
    await client.POST("/polls", {
      body: {
        title: "Tabs or spaces?",
        questions: [{ prompt: "Indent with", choices: [{ label: "Tabs" }, { label: "Spaces" }] }],
      },
      headers,
    }),
  );
  const question = poll.questions[0];
  const spaces = question?.choices.find((choice) => choice.label === "Spaces");
  if (!question || !spaces) throw new Error("the created poll lacks its question or choice");

  const ballot = expectData(
    "vote",
    await client.POST("/polls/{id}/votes", {
      params: { path: { id: poll.id } },
      body: { answers: [{ question_id: question.id, choice_ids: [spaces.id] }] },
      headers,
    }),
  );

  // The document says this route answers JSON or CSV (by `Accept`); ask for JSON and narrow.
  const results = expectData(
    "results",
    await client.GET("/polls/{id}/results", {
      params: { path: { id: poll.id } },
      headers: { ...headers, Accept: "application/json" },
    }),
  );
  if (typeof results === "string") throw new Error("asked for JSON results, got CSV");
  return { note, poll, ballot, results };
}
