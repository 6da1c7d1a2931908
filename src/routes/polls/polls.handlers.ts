import { credentialOf } from "../../audit/audit-event.ts";
import { bearerRequired } from "../../auth/tokens.ts";
import { requireSigningKeys } from "../../config.ts";
import { requirePollRoom, withQuotaLock } from "../../db/quota.ts";
import { paginate } from "../../lib/pagination.ts";
import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import * as editService from "./polls.edit.service.ts";
import { notifyLiveResults } from "./polls.live.notify.ts";
import { isRankingListing, rankingPage } from "./polls.ranking.ts";
import { loadPoll, notFound, notModified, pollDto } from "./polls.read.ts";
import type * as routes from "./polls.routes.ts";
import * as service from "./polls.service.ts";
import { ownerFor } from "./polls.visibility.ts";
import { castVote } from "./polls.vote.ts";
import { issueVoterCookie, newVoterId } from "./polls.voter.ts";

export const createPoll: AppRouteHandler<routes.CreatePollRoute> = async (c) => {
  const input = c.req.valid("json");
  const caller = c.var.caller;
  const id = await withQuotaLock(c.var.db, caller.userId, async (tx) => {
    await requirePollRoom(tx, caller.userId, c.var.config.quotas);
    return editService.createPoll(tx, caller.userId, input, credentialOf(caller));
  });
  const { poll } = await loadPoll(c, id);
  c.var.log.info("event", "poll.created", { poll_id: id, user_id: caller.userId });
  c.header("Location", `/polls/${id}`);
  return c.json(pollDto(poll, c.var.caller), 201);
};

export const getPoll: AppRouteHandler<routes.GetPollRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const { poll, cookie } = await loadPoll(c, id);
  // "One vote per browser" needs the browser marked before it votes.
  if (poll.voters === "anonymous" && cookie.state !== "valid") await issueVoterCookie(c, newVoterId());
  const dto = pollDto(poll, c.var.caller);
  if (await notModified(c, JSON.stringify(dto))) return c.body(null, 304);
  return c.json(dto, 200);
};

export const listPolls: AppRouteHandler<routes.ListPollsRoute> = async (c) => {
  const query = c.req.valid("query");
  const caller = c.var.caller;
  if (query.mine && !caller) {
    throw bearerRequired("mine=true needs a bearer token.");
  }
  if (isRankingListing(query)) return c.json(await rankingPage(c, query, caller), 200);
  const owner = query.mine ? caller?.userId : undefined;
  const scope = { kind: "polls", owner, status: query.status };
  const cursor = { secret: requireSigningKeys(c.var.config).cursor, scope, cursor: query.cursor };
  const { page, next_cursor } = await paginate(c, cursor, (after?: service.PollsPosition) =>
    service.listPolls(c.var.db, query, owner, after),
  );
  return c.json({ items: page.items.map((poll) => ownerFor(poll, caller)), next_cursor }, 200);
};

export const updatePoll: AppRouteHandler<routes.UpdatePollRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const outcome = await c.var.db.transaction((tx) =>
    editService.updatePoll(tx, id, c.var.caller.userId, c.req.valid("json")),
  );
  if (outcome === "not_found") throw notFound(id);
  if (outcome === "forbidden")
    throw new ApiError("forbidden", { detail: "Only the poll's owner may edit it." });
  if (outcome === "has_votes") {
    throw new ApiError("poll-has-votes", {
      detail:
        "Questions and choices cannot change once someone has voted; title, description and closes_at still can.",
    });
  }
  notifyLiveResults(c, id, "pollEdited");
  const { poll } = await loadPoll(c, id);
  return c.json(pollDto(poll, c.var.caller), 200);
};

export const closePoll: AppRouteHandler<routes.ClosePollRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const caller = c.var.caller;
  const result = await c.var.db.transaction((tx) => editService.closePoll(tx, id, caller.userId));
  if (!result?.found) throw notFound(id);
  if (!result.owner_ok) throw new ApiError("forbidden", { detail: "Only the poll's owner may close it." });
  if (result.newly_closed) {
    c.var.log.info("event", "poll.closed", { poll_id: id, user_id: caller.userId });
    notifyLiveResults(c, id, "pollClosed");
  }
  const { poll } = await loadPoll(c, id);
  return c.json(pollDto(poll, c.var.caller), 200);
};

export const deletePoll: AppRouteHandler<routes.DeletePollRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const caller = c.var.caller;
  const result = await c.var.db.transaction((tx) =>
    editService.deletePoll(tx, id, caller.userId, caller.role === "admin"),
  );
  if (!result?.found) throw notFound(id);
  if (!result.allowed)
    throw new ApiError("forbidden", { detail: "Only the poll's owner or an admin may delete it." });
  if (caller.role === "admin" && result.owner_id !== caller.userId) {
    c.var.log.info("admin", "poll.deleted_by_admin", {
      poll_id: id,
      admin_id: caller.userId,
      owner_id: result.owner_id,
    });
  }
  c.var.log.info("event", "poll.deleted", { poll_id: id, user_id: caller.userId });
  notifyLiveResults(c, id, "pollDeleted");
  return c.body(null, 204);
};

export const vote: AppRouteHandler<routes.VoteRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const { answers } = c.req.valid("json");
  return c.json(await castVote(c, id, answers), 201);
};
