import { createRoute } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  forbiddenResponse,
  jsonBody,
  jsonContent,
  notFoundResponse,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { IdParamSchema } from "../../lib/schemas.ts";
import { authed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import {
  CreatedInviteSchema,
  CreateInviteSchema,
  InviteListSchema,
  InviteParamsSchema,
} from "./polls.invites.schemas.ts";

const ownerOnly = forbiddenResponse("Only the poll's owner manages its invitations.");

export const createInviteRoute = createRoute({
  operationId: "createPollInvite",
  method: "post",
  path: "/polls/{id}/invites",
  tags: ["Polls"],
  summary: "Invite one voter to an invite-only poll (owner); the token is shown once",
  description:
    "The invitation admits one ballot, without an account: the voter sends the token in the `Poll-Invite` header of `POST /polls/{id}/votes` (and of `/votes/mine`), or opens the poll page at `/p/{id}?invite=<token>`.",
  ...routeOptions({ access: authed, scope: "polls:write", cache: "no-store", limits: ["invite"] }),
  request: { params: IdParamSchema, body: jsonBody(CreateInviteSchema) },
  responses: {
    201: { description: "The invitation, with its token.", content: jsonContent(CreatedInviteSchema) },
    ...unauthorizedResponse,
    ...ownerOnly,
    ...notFoundResponse,
    ...conflictResponse(
      "`not-invite-only`: the poll's `voters` is not `invited`; `quota-exceeded`: the poll holds 1,000 invitations.",
    ),
    ...databaseErrorResponses,
  },
});

export const listInvitesRoute = createRoute({
  operationId: "listPollInvites",
  method: "get",
  path: "/polls/{id}/invites",
  tags: ["Polls"],
  summary: "A poll's invitations (owner): used or not, when, revoked or not; never the tokens",
  ...routeOptions({ access: authed, scope: "polls:write", cache: "no-store" }),
  request: { params: IdParamSchema },
  responses: {
    200: { description: "Oldest first.", content: jsonContent(InviteListSchema) },
    ...unauthorizedResponse,
    ...ownerOnly,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const revokeInviteRoute = createRoute({
  operationId: "revokePollInvite",
  method: "delete",
  path: "/polls/{id}/invites/{inviteId}",
  tags: ["Polls"],
  summary:
    "Revoke an invitation (owner): it admits nothing again; a ballot already cast with it still counts",
  ...routeOptions({ access: authed, scope: "polls:write" }),
  request: { params: InviteParamsSchema },
  responses: {
    204: { description: "Revoked (revoking again is a no-op)." },
    ...unauthorizedResponse,
    ...ownerOnly,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export type CreateInviteRoute = typeof createInviteRoute;
export type ListInvitesRoute = typeof listInvitesRoute;
export type RevokeInviteRoute = typeof revokeInviteRoute;
