import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { OwnBallot } from "../../src/routes/polls/polls.ballot.schemas.ts";
import type { Poll } from "../../src/routes/polls/polls.schemas.ts";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, randomIp, registerUser, type TestUser } from "../helpers/auth.ts";
import { runSql } from "../helpers/db.ts";
import { countsAndRecounts } from "../helpers/poll-counts.ts";
import { answersFor, ownerWithPoll, resultsOf, twoQuestions } from "../helpers/polls.ts";

interface CreatedInvite {
  id: string;
  token: string;
  label: string | null;
  used_at: string | null;
  revoked_at: string | null;
}

const invitedPoll = () => ownerWithPoll(twoQuestions({ voters: "invited" }));

async function invite(owner: TestUser, poll: Poll, label?: string): Promise<CreatedInvite> {
  const response = await apiJson(
    `/polls/${poll.id}/invites`,
    "POST",
    label ? { label } : {},
    bearer(owner.tokens.access_token),
  );
  expect(response.status).toBe(201);
  return (await response.json()) as CreatedInvite;
}

/** A voter without an account who holds an invitation (or none). */
const withInvite = (poll: Poll, token?: string) => {
  const headers = { "CF-Connecting-IP": randomIp(), ...(token ? { "Poll-Invite": token } : {}) };
  return {
    vote: (body: unknown) => apiJson(`/polls/${poll.id}/votes`, "POST", body, headers),
    mine: (method: "GET" | "PUT" | "DELETE", body?: unknown) =>
      apiJson(`/polls/${poll.id}/votes/mine`, method, body, headers),
  };
};

const listInvites = async (owner: TestUser, poll: Poll) => {
  const response = await api(`/polls/${poll.id}/invites`, { headers: bearer(owner.tokens.access_token) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: CreatedInvite[] }).items;
};

const revoke = (owner: TestUser, poll: Poll, id: string) =>
  api(`/polls/${poll.id}/invites/${id}`, { method: "DELETE", headers: bearer(owner.tokens.access_token) });

describe("invite-only polls", () => {
  it("admit one ballot per invitation, without an account, and list who has used theirs", async () => {
    const { owner, poll } = await invitedPoll();
    expect(poll.voters).toBe("invited");
    const ada = await invite(owner, poll, "Ada");
    const bob = await invite(owner, poll);
    expect(ada.token).toMatch(/^dhi_[A-Za-z0-9_-]{43}$/);
    expect(ada.label).toBe("Ada");

    expect((await withInvite(poll, ada.token).vote(answersFor(poll))).status).toBe(201);
    await expectProblem(await withInvite(poll, ada.token).vote(answersFor(poll)), 409, "already-voted");
    await expectProblem(await withInvite(poll).vote(answersFor(poll)), 403, "invite-required");
    await expectProblem(
      await withInvite(poll, `dhi_${"A".repeat(43)}`).vote(answersFor(poll)),
      403,
      "invite-required",
    );

    const listed = await listInvites(owner, poll);
    expect(listed.map((item) => [item.label, item.used_at !== null, "token" in item])).toEqual([
      ["Ada", true, false],
      [null, false, false],
    ]);
    // Only the token's hash is stored.
    const stored = await runSql<{ token_hash: string }>(
      sql`SELECT token_hash FROM poll_invites WHERE poll_id = ${poll.id}`,
    );
    expect(stored.map((row) => row.token_hash)).not.toContain(ada.token);
    expect(JSON.stringify(stored)).not.toContain(bob.token.slice(4));
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });

  it("let the invited voter read, change and withdraw their ballot, and nobody else", async () => {
    const { owner, poll } = await invitedPoll();
    const { token } = await invite(owner, poll);
    const voter = withInvite(poll, token);
    await voter.vote(answersFor(poll));
    const seen = await api(`/polls/${poll.id}`, { headers: { "Poll-Invite": token } });
    expect(((await seen.json()) as Poll).has_voted).toBe(true);
    const mine = (await (await voter.mine("GET")).json()) as OwnBallot;
    expect(mine.answers).toEqual(answersFor(poll).answers);
    expect((await voter.mine("PUT", answersFor(poll, [[1], [2]]))).status).toBe(200);
    await expectProblem(await withInvite(poll).mine("GET"), 404, "ballot-not-found");
    await expectProblem(await withInvite(poll).mine("DELETE"), 403, "invite-required");
    expect((await voter.mine("DELETE")).status).toBe(204);
    for (const row of await countsAndRecounts(poll.id)) expect(row.maintained).toBe(row.recount);
  });

  it("a revoked invitation never works again; the ballot cast before stays counted", async () => {
    const { owner, poll } = await invitedPoll();
    const used = await invite(owner, poll);
    const unused = await invite(owner, poll);
    await withInvite(poll, used.token).vote(answersFor(poll));
    expect((await revoke(owner, poll, used.id)).status).toBe(204);
    expect((await revoke(owner, poll, unused.id)).status).toBe(204);
    expect((await revoke(owner, poll, unused.id)).status).toBe(204);
    await expectProblem(await withInvite(poll, unused.token).vote(answersFor(poll)), 403, "invite-required");
    await expectProblem(
      await withInvite(poll, used.token).mine("PUT", answersFor(poll, [[1], [1]])),
      403,
      "invite-required",
    );
    await expectProblem(await withInvite(poll, used.token).mine("GET"), 404, "ballot-not-found");
    expect((await listInvites(owner, poll)).every((item) => item.revoked_at !== null)).toBe(true);
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
  });

  it("belong to the owner, and only to invite-only polls", async () => {
    const { owner, poll } = await invitedPoll();
    const stranger = await registerUser();
    await expectProblem(
      await apiJson(`/polls/${poll.id}/invites`, "POST", {}, bearer(stranger.tokens.access_token)),
      403,
      "forbidden",
    );
    await expectProblem(
      await api(`/polls/${poll.id}/invites`, { headers: bearer(stranger.tokens.access_token) }),
      403,
      "forbidden",
    );
    const { id } = await invite(owner, poll);
    await expectProblem(await revoke(stranger, poll, id), 403, "forbidden");
    await expectProblem(await revoke(owner, poll, "0190f5d4-0000-7000-8000-000000000000"), 404, "not-found");
    const open = await ownerWithPoll(twoQuestions({ voters: "anonymous" }));
    await expectProblem(
      await apiJson(`/polls/${open.poll.id}/invites`, "POST", {}, bearer(open.owner.tokens.access_token)),
      409,
      "not-invite-only",
    );
  });

  it("one invitation used from many places at once casts exactly one ballot", async () => {
    const { owner, poll } = await invitedPoll();
    const { token } = await invite(owner, poll);
    const statuses = (
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          withInvite(poll, token).vote(answersFor(poll, [[i % 3], [i % 3]])),
        ),
      )
    ).map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    expect((await resultsOf(poll, owner)).total_voters).toBe(1);
    for (const row of await countsAndRecounts(poll.id)) expect(row.maintained).toBe(row.recount);
  });

  it("a revocation racing ballots leaves each invitation with at most one ballot, and none after it", async () => {
    const { owner, poll } = await invitedPoll();
    const invites = await Promise.all(Array.from({ length: 10 }, () => invite(owner, poll)));
    const outcomes = await Promise.all(
      invites.map(async (item) => {
        const [first, revoked, second] = await Promise.all([
          withInvite(poll, item.token).vote(answersFor(poll)),
          revoke(owner, poll, item.id),
          withInvite(poll, item.token).vote(answersFor(poll, [[1], [1]])),
        ]);
        return {
          admitted: [first.status, second.status].filter((status) => status === 201).length,
          revoked: revoked.status,
        };
      }),
    );
    for (const outcome of outcomes) {
      expect(outcome.revoked).toBe(204);
      expect(outcome.admitted).toBeLessThanOrEqual(1);
    }
    const admitted = outcomes.reduce((sum, outcome) => sum + outcome.admitted, 0);
    expect((await resultsOf(poll, owner)).total_voters).toBe(admitted);
    // After every revocation has answered, no invitation admits or changes anything.
    for (const item of invites) {
      await expectProblem(await withInvite(poll, item.token).vote(answersFor(poll)), 403, "invite-required");
      await expectProblem(await withInvite(poll, item.token).mine("DELETE"), 403, "invite-required");
    }
    for (const row of await countsAndRecounts(poll.id)) expect(row.maintained).toBe(row.recount);
  });
});
