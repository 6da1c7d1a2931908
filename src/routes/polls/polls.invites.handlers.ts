import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { inviteTokenHash, newInviteToken } from "./polls.invite-token.ts";
import type * as routes from "./polls.invites.routes.ts";
import * as service from "./polls.invites.service.ts";
import { notFound } from "./polls.read.ts";

/** The problem for a poll check that failed; every invitation route shares them. */
function pollRefusal(outcome: "not_found" | "forbidden" | "not_invite_only", id: string): ApiError {
  if (outcome === "not_found") return notFound(id);
  if (outcome === "forbidden")
    return new ApiError("forbidden", { detail: "Only the poll's owner manages its invitations." });
  return new ApiError("not-invite-only", {
    detail: 'Invitations are for polls with `voters: "invited"`; this poll admits voters without one.',
  });
}

export const createInvite: AppRouteHandler<routes.CreateInviteRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const token = newInviteToken();
  const outcome = await service.createInvite(c.var.db, {
    pollId: id,
    ownerId: c.var.caller.userId,
    label: c.req.valid("json").label ?? null,
    tokenHash: await inviteTokenHash(token),
  });
  if (outcome === "full") {
    throw new ApiError("quota-exceeded", {
      detail: `A poll holds at most ${service.MAX_INVITES_PER_POLL} invitations.`,
      extensions: { quota: "poll_invites", limit: service.MAX_INVITES_PER_POLL },
    });
  }
  if (typeof outcome === "string") throw pollRefusal(outcome, id);
  c.var.log.info("event", "poll.invite_created", { poll_id: id, invite_id: outcome.id });
  return c.json({ ...outcome, token }, 201);
};

export const listInvites: AppRouteHandler<routes.ListInvitesRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const outcome = await service.listInvites(c.var.db, id, c.var.caller.userId);
  if (typeof outcome === "string") throw pollRefusal(outcome, id);
  return c.json({ items: outcome }, 200);
};

export const revokeInvite: AppRouteHandler<routes.RevokeInviteRoute> = async (c) => {
  const { id, inviteId } = c.req.valid("param");
  const outcome = await service.revokeInvite(c.var.db, id, inviteId, c.var.caller.userId);
  if (outcome === "no_invite")
    throw new ApiError("not-found", { detail: `Invitation ${inviteId} does not exist on poll ${id}.` });
  if (outcome !== "revoked") throw pollRefusal(outcome, id);
  c.var.log.info("event", "poll.invite_revoked", { poll_id: id, invite_id: inviteId });
  return c.body(null, 204);
};
