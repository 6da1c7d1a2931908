import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { COALESCE_MS } from "../../src/routes/polls/polls.live.object.ts";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { sleep, subscribeLive } from "../helpers/live.ts";
import {
  anonymousBrowser,
  answersFor,
  ownerWithPoll,
  resultsOf,
  twoQuestions,
  voteAs,
} from "../helpers/polls.ts";

const single = (overrides: Record<string, unknown> = {}) => ({
  title: "Live",
  questions: [{ prompt: "Best?", choices: [{ label: "A" }, { label: "B" }] }],
  ...overrides,
});

describe("live results over a WebSocket", () => {
  it("a plain GET is refused with a 426 problem", async () => {
    const { poll } = await ownerWithPoll(single());
    const response = await api(`/polls/${poll.id}/results/live`);
    await expectProblem(response, 426, "upgrade-required");
    expect(response.headers.get("upgrade")).toBe("websocket");
  });

  it("an unknown poll is a 404 before any upgrade", async () => {
    const response = await api("/polls/0190f5d4-0000-7000-8000-000000000000/results/live", {
      headers: { Upgrade: "websocket" },
    });
    await expectProblem(response, 404, "not-found");
  });

  it("sends a snapshot equal to the REST body, then the count after another client votes", async () => {
    const { owner, poll } = await ownerWithPoll(single());
    const live = await subscribeLive(poll.id);
    const snapshot = await live.waitFor((message) => message.type === "results");
    expect(snapshot.results).toEqual(await resultsOf(poll, owner));
    expect(snapshot.results?.total_voters).toBe(0);

    const before = live.messages.length;
    const voted = Date.now();
    expect((await voteAs(await registerUser(), poll, answersFor(poll, [[1]]))).status).toBe(201);
    const update = await live.waitFor((message) => message.results?.total_voters === 1, before);
    expect(Date.now() - voted).toBeLessThan(1000);
    expect(update.type).toBe("results");
    expect(update.results?.questions[0]?.choices.map((choice) => choice.votes)).toEqual([0, 1]);
    expect(update.results).toEqual(await resultsOf(poll, owner));
    live.socket.close();
  });

  it("coalesces a burst of votes into a handful of messages", async () => {
    const { owner, poll } = await ownerWithPoll(single({ voters: "anonymous", max_votes_per_ip: 1000 }));
    const live = await subscribeLive(poll.id);
    await live.waitFor((message) => message.type === "results");
    const browsers = await Promise.all(Array.from({ length: 60 }, () => anonymousBrowser(poll.id)));
    const started = Date.now();
    const statuses = await Promise.all(browsers.map((browser) => browser.vote(answersFor(poll))));
    expect(statuses.every((response) => response.status === 201)).toBe(true);
    const last = await live.waitFor((message) => message.results?.total_voters === 60);
    const elapsed = Date.now() - started;
    expect(last.results).toEqual(await resultsOf(poll, owner));
    await sleep(2 * COALESCE_MS);
    // The snapshot, then at most one update per window (plus the leading edge), never one per vote.
    expect(live.messages.length).toBeLessThanOrEqual(2 + Math.ceil(elapsed / COALESCE_MS));
    expect(live.messages.length).toBeLessThan(30);
    live.socket.close();
  });

  it("after_vote: a stranger is refused; a voter's cookie lets the browser subscribe", async () => {
    const { poll } = await ownerWithPoll(
      twoQuestions({ voters: "anonymous", results_visibility: "after_vote" }),
    );
    const stranger = await api(`/polls/${poll.id}/results/live`, { headers: { Upgrade: "websocket" } });
    await expectProblem(stranger, 403, "results-hidden");
    const browser = await anonymousBrowser(poll.id);
    expect((await browser.vote(answersFor(poll))).status).toBe(201);
    const live = await subscribeLive(poll.id, { Cookie: browser.cookie });
    expect((await live.waitFor((message) => message.type === "results")).results?.total_voters).toBe(1);
    live.socket.close();
  });

  it("after_vote on an account poll: the token may ride as a subprotocol (browsers)", async () => {
    const { poll } = await ownerWithPoll(single({ results_visibility: "after_vote" }));
    const voter = await registerUser();
    expect((await voteAs(voter, poll, answersFor(poll))).status).toBe(201);
    const response = await api(`/polls/${poll.id}/results/live`, {
      headers: {
        Upgrade: "websocket",
        "Sec-WebSocket-Protocol": `devhub.results.v1, bearer.${voter.tokens.access_token}`,
      },
    });
    expect(response.status).toBe(101);
    expect(response.headers.get("sec-websocket-protocol")).toBe("devhub.results.v1");
    // The upgrade leaves through the same middleware as every response: it is stamped too.
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    response.webSocket?.accept();
    response.webSocket?.close();
  });

  it("after_close: nothing while open, then the final result when the owner closes", async () => {
    const { owner, poll } = await ownerWithPoll(single({ results_visibility: "after_close" }));
    const live = await subscribeLive(poll.id);
    expect((await voteAs(await registerUser(), poll, answersFor(poll))).status).toBe(201);
    await sleep(500);
    expect(live.messages).toEqual([]);
    const tags = await runInDurableObject(
      env.POLL_LIVE.get(env.POLL_LIVE.idFromName(poll.id)),
      (_object, state) => state.getWebSockets().map((socket) => state.getTags(socket)[0]),
    );
    expect(tags).toEqual(["closed-only"]);

    expect(
      (await api(`/polls/${poll.id}/close`, { method: "POST", headers: bearer(owner.tokens.access_token) }))
        .status,
    ).toBe(200);
    const closed = await live.waitFor((message) => message.type === "closed");
    expect(closed.results?.status).toBe("closed");
    expect(closed.results?.total_voters).toBe(1);
    expect(closed.results).toEqual(await resultsOf(poll, owner));
    live.socket.close();
  });

  it("after_close: a poll that closes by its deadline sends the final result with no request", async () => {
    const closesAt = new Date(Date.now() + 1500).toISOString();
    const { poll } = await ownerWithPoll(single({ results_visibility: "after_close", closes_at: closesAt }));
    const live = await subscribeLive(poll.id);
    expect((await voteAs(await registerUser(), poll, answersFor(poll))).status).toBe(201);
    const closed = await live.waitFor((message) => message.type === "closed", 0, 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(closesAt));
    expect(closed.results?.total_voters).toBe(1);
    expect(live.messages).toHaveLength(1);
    live.socket.close();
  });

  it("after_close: a viewer let in after the close gets nothing more when the owner reopens the poll", async () => {
    const closesAt = new Date(Date.now() + 1000).toISOString();
    const { owner, poll } = await ownerWithPoll(
      single({ results_visibility: "after_close", closes_at: closesAt }),
    );
    await sleep(1300);
    const live = await subscribeLive(poll.id);
    const final = await live.waitFor((message) => message.results?.status === "closed");
    expect(final.results?.total_voters).toBe(0);

    const reopened = await apiJson(
      `/polls/${poll.id}`,
      "PATCH",
      { closes_at: null },
      bearer(owner.tokens.access_token),
    );
    expect(reopened.status).toBe(200);
    await expectProblem(await api(`/polls/${poll.id}/results`), 403, "results-hidden");
    const seen = live.messages.length;
    expect((await voteAs(await registerUser(), poll, answersFor(poll))).status).toBe(201);
    await sleep(600);
    expect(live.messages.slice(seen)).toEqual([]);
    live.socket.close();
  });

  it("after_close: a deadline set after viewers subscribed still brings them the final result", async () => {
    const { owner, poll } = await ownerWithPoll(single({ results_visibility: "after_close" }));
    const live = await subscribeLive(poll.id);
    const closesAt = new Date(Date.now() + 1200).toISOString();
    const edited = await apiJson(
      `/polls/${poll.id}`,
      "PATCH",
      { closes_at: closesAt },
      bearer(owner.tokens.access_token),
    );
    expect(edited.status).toBe(200);
    const closed = await live.waitFor((message) => message.type === "closed", 0, 5000);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(closesAt));
    expect(closed.results?.status).toBe("closed");
    live.socket.close();
  });

  it("a reconnecting client gets the current snapshot first", async () => {
    const { poll } = await ownerWithPoll(single());
    const first = await subscribeLive(poll.id);
    await first.waitFor((message) => message.type === "results");
    first.socket.close();
    expect((await voteAs(await registerUser(), poll, answersFor(poll))).status).toBe(201);
    const again = await subscribeLive(poll.id);
    const snapshot = await again.waitFor(() => true);
    expect(snapshot.type).toBe("results");
    expect(snapshot.results?.total_voters).toBe(1);
    again.socket.close();
  });

  it("deleting the poll tells subscribers and closes their sockets", async () => {
    const { owner, poll } = await ownerWithPoll(single());
    const live = await subscribeLive(poll.id);
    await live.waitFor((message) => message.type === "results");
    const deleted = await apiJson(`/polls/${poll.id}`, "DELETE", {}, bearer(owner.tokens.access_token));
    expect(deleted.status).toBe(204);
    expect(await live.waitFor((message) => message.type === "deleted")).toEqual({ type: "deleted" });
    for (let i = 0; i < 50 && !live.closed(); i += 1) await sleep(20);
    expect(live.closed()?.code).toBe(1000);
  });
});
