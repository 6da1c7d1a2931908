import { describe, expect, it } from "vitest";
import type { PollResults } from "../../src/routes/polls/polls.schemas.ts";
import { api, apiJson } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { answersFor, ownerWithPoll, voteAs } from "../helpers/polls.ts";

describe("conditional reads of polls", () => {
  it("results: 304 while the counts stand, a new ETag once a vote lands", async () => {
    const { owner, poll } = await ownerWithPoll();
    const auth = bearer(owner.tokens.access_token);
    const first = await api(`/polls/${poll.id}/results`, { headers: auth });
    const etag = first.headers.get("etag") as string;
    expect(first.status).toBe(200);
    expect(etag).toMatch(/^"h[A-Za-z0-9_-]{22}"$/);
    expect(first.headers.get("cache-control")).toBe("private, no-cache");

    const again = await api(`/polls/${poll.id}/results`, { headers: { ...auth, "If-None-Match": etag } });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe("");
    expect(again.headers.get("etag")).toBe(etag);

    expect((await voteAs(await registerUser(), poll, answersFor(poll))).status).toBe(201);
    const changed = await api(`/polls/${poll.id}/results`, { headers: { ...auth, "If-None-Match": etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).not.toBe(etag);
    expect(((await changed.json()) as PollResults).total_voters).toBe(1);
  });

  it("results: the CSV has its own ETag and honours If-None-Match too", async () => {
    const { owner, poll } = await ownerWithPoll();
    const auth = bearer(owner.tokens.access_token);
    const json = await api(`/polls/${poll.id}/results`, { headers: auth });
    const csv = await api(`/polls/${poll.id}/results.csv`, { headers: auth });
    const csvTag = csv.headers.get("etag") as string;
    expect(csvTag).not.toBe(json.headers.get("etag"));
    const again = await api(`/polls/${poll.id}/results.csv`, {
      headers: { ...auth, "If-None-Match": csvTag },
    });
    expect(again.status).toBe(304);
  });

  it("hidden results never answer 304, even to a guessed ETag", async () => {
    const { owner, poll } = await ownerWithPoll({
      title: "Secret",
      results_visibility: "after_close",
      questions: [{ prompt: "?", choices: [{ label: "a" }, { label: "b" }] }],
    });
    const etag = (
      await api(`/polls/${poll.id}/results`, { headers: bearer(owner.tokens.access_token) })
    ).headers.get("etag") as string;
    const stranger = await api(`/polls/${poll.id}/results`, { headers: { "If-None-Match": etag } });
    expect(stranger.status).toBe(403);
  });

  it("poll definitions: 304 until an edit, then a new ETag", async () => {
    const { owner, poll } = await ownerWithPoll();
    const auth = bearer(owner.tokens.access_token);
    const first = await api(`/polls/${poll.id}`, { headers: auth });
    const etag = first.headers.get("etag") as string;
    expect(etag).toBeTruthy();
    expect((await api(`/polls/${poll.id}`, { headers: { ...auth, "If-None-Match": etag } })).status).toBe(
      304,
    );
    expect((await apiJson(`/polls/${poll.id}`, "PATCH", { title: "Renamed" }, auth)).status).toBe(200);
    const edited = await api(`/polls/${poll.id}`, { headers: { ...auth, "If-None-Match": etag } });
    expect(edited.status).toBe(200);
    expect(edited.headers.get("etag")).not.toBe(etag);
  });
});
