import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { apiClient, notePollVoteScenario } from "../client/scenario.ts";
import { ORIGIN } from "../helpers/api.ts";
import { randomIp, uniqueEmail } from "../helpers/auth.ts";

/** The client generated from the document (openapi-typescript + openapi-fetch) against the worker. */
describe("a client generated from the OpenAPI document", () => {
  it("creates a note and a poll, votes, and reads the results", async () => {
    const client = apiClient(ORIGIN, (request) => exports.default.fetch(request));
    const { note, poll, ballot, results } = await notePollVoteScenario(
      client,
      uniqueEmail("client"),
      randomIp(),
    );
    expect(note).toMatchObject({ title: "Written by a generated client", tags: ["generated"], version: 1 });
    expect(ballot.poll_id).toBe(poll.id);
    expect(results.poll_id).toBe(poll.id);
    expect(results.total_voters).toBe(1);
    const choices = results.questions[0]?.choices ?? [];
    expect(choices.map((choice) => [choice.label, choice.votes, choice.percent])).toEqual([
      ["Tabs", 0, 0],
      ["Spaces", 1, 100],
    ]);
  });
});
