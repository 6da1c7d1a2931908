import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { RESULTS_EVENT_WINDOW_SECONDS, recordResultsChanged } from "../../src/events/poll-results-event.ts";
import { createApiKey, registerUser } from "../helpers/auth.ts";
import { eventPage, withDatabase } from "../helpers/events.ts";
import { noteClient } from "../helpers/notes.ts";
import { answersFor, createPoll, twoQuestions, voteAs } from "../helpers/polls.ts";

describe("event sources", () => {
  it("polls: created, updated, closed, deleted, and results_changed coalesced", async () => {
    const owner = await noteClient();
    const poll = await createPoll(owner.user, twoQuestions());
    expect((await owner.send("PATCH", `/polls/${poll.id}`, { title: "renamed" })).status).toBe(200);
    for (let i = 0; i < 5; i += 1) {
      expect((await voteAs(await registerUser(), poll, answersFor(poll))).status).toBe(201);
    }
    expect((await owner.send("POST", `/polls/${poll.id}/close`)).status).toBe(200);
    expect((await owner.send("DELETE", `/polls/${poll.id}`)).status).toBe(204);
    const types = (await eventPage(owner)).items.map((event) => event.type);
    expect(types.filter((type) => type !== "poll.results_changed")).toEqual([
      "poll.created",
      "poll.updated",
      "poll.closed",
      "poll.deleted",
    ]);
    // Five votes within a few seconds: one event, two if they straddled a window edge.
    const changes = types.filter((type) => type === "poll.results_changed").length;
    expect(changes).toBeGreaterThanOrEqual(1);
    expect(changes).toBeLessThanOrEqual(2);
  });

  it("polls: a new deadline on an expired poll records poll.reopened, on an open one only poll.updated", async () => {
    const owner = await noteClient();
    const poll = await createPoll(owner.user, twoQuestions());
    const later = new Date(Date.now() + 3_600_000).toISOString();
    expect((await owner.send("PATCH", `/polls/${poll.id}`, { closes_at: later })).status).toBe(200);
    // Its deadline passes (set in the past directly: the API only takes a future one).
    await withDatabase((db) =>
      db.execute(sql`UPDATE polls SET closes_at = now() - interval '1 minute' WHERE id = ${poll.id}`),
    );
    expect((await owner.send("PATCH", `/polls/${poll.id}`, { closes_at: later })).status).toBe(200);
    const types = (await eventPage(owner)).items.map((event) => event.type);
    expect(types).toEqual(["poll.created", "poll.updated", "poll.updated", "poll.reopened"]);
  });

  it("results_changed is written once per poll per window, whoever asks", async () => {
    const owner = await noteClient();
    const poll = await createPoll(owner.user, twoQuestions());
    const windowMs = RESULTS_EVENT_WINDOW_SECONDS * 1000;
    const start = (Math.floor(Date.now() / windowMs) + 5) * windowMs;
    // The third call is back in the first window after this isolate moved on to the second, as
    // another isolate would be: its memory lets it through and the coalescing key stops it.
    await withDatabase((db) => recordResultsChanged(db, poll.id, { now: start }));
    await withDatabase((db) => recordResultsChanged(db, poll.id, { now: start + windowMs }));
    await withDatabase((db) => recordResultsChanged(db, poll.id, { now: start + 1 }));
    const events = (await eventPage(owner, "types=poll.results_changed")).items;
    expect(events.map((event) => event.data.window_ends_at)).toEqual([
      new Date(start + windowMs).toISOString(),
      new Date(start + 2 * windowMs).toISOString(),
    ]);
  });

  it("API keys: created and revoked, never the key", async () => {
    const client = await noteClient();
    const key = await createApiKey(client.user, "ci");
    expect((await client.send("DELETE", `/auth/api-keys/${key.id}`)).status).toBe(204);
    const page = await eventPage(client);
    expect(page.items).toMatchObject([
      {
        type: "api_key.created",
        resource: { type: "api_key", id: key.id },
        data: { name: "ci", prefix: key.prefix },
      },
      { type: "api_key.revoked", resource: { type: "api_key", id: key.id } },
    ]);
    expect(JSON.stringify(page)).not.toContain(key.key);
  });
});
