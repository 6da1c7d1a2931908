import { createRoute } from "@hono/zod-openapi";
import {
  databaseErrorResponses,
  forbiddenResponse,
  jsonBody,
  jsonContent,
  problemResponseSpec,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { IdParamSchema } from "../../lib/schemas.ts";
import { optionallyAuthed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import { OwnBallotSchema } from "./polls.ballot.schemas.ts";
import { InviteHeaderSchema } from "./polls.invite-token.ts";
import { VoterCookieSchema, VoteSchema } from "./polls.schemas.ts";

const whose =
  "Whose ballot follows the poll's `voters`: the account (bearer token) on `authenticated` polls, the browser's `dh_voter` cookie on `anonymous` ones, the `Poll-Invite` header on `invited` ones.";
const ownBallotRequest = { params: IdParamSchema, cookies: VoterCookieSchema, headers: InviteHeaderSchema };
const missing = {
  404: problemResponseSpec("`not-found`: no such poll; `ballot-not-found`: the caller has no ballot in it."),
};
const refusedChange = {
  409: problemResponseSpec(
    "`poll-closed` (closed or expired), or `vote-changes-disabled`: the poll's `allow_vote_changes` is false.",
  ),
};
const crossSite = forbiddenResponse(
  "A browser on another site sent the request without a bearer token; or `invite-required`: an invite-only poll and no live invitation.",
);

export const getOwnBallotRoute = createRoute({
  operationId: "getOwnBallot",
  method: "get",
  path: "/polls/{id}/votes/mine",
  tags: ["Polls"],
  summary: "The caller's own ballot: their answers, and whether they may still change them",
  description: whose,
  ...routeOptions({ access: optionallyAuthed, scope: "polls:vote", cache: "no-store" }),
  request: ownBallotRequest,
  responses: {
    200: { description: "The ballot.", content: jsonContent(OwnBallotSchema) },
    ...unauthorizedResponse,
    ...missing,
    ...databaseErrorResponses,
  },
});

export const replaceOwnBallotRoute = createRoute({
  operationId: "replaceOwnBallot",
  method: "put",
  path: "/polls/{id}/votes/mine",
  tags: ["Polls"],
  summary: "Change your vote: replace every answer of your ballot (same rules as casting)",
  description: `${whose} The counts move by exactly the difference, in one statement, and live subscribers are told.`,
  ...routeOptions({ access: optionallyAuthed, scope: "polls:vote", limits: ["vote"] }),
  request: { ...ownBallotRequest, body: jsonBody(VoteSchema) },
  responses: {
    200: { description: "The ballot after the change.", content: jsonContent(OwnBallotSchema) },
    ...unauthorizedResponse,
    ...crossSite,
    ...missing,
    ...refusedChange,
    ...databaseErrorResponses,
  },
});

export const withdrawOwnBallotRoute = createRoute({
  operationId: "withdrawOwnBallot",
  method: "delete",
  path: "/polls/{id}/votes/mine",
  tags: ["Polls"],
  summary: "Withdraw your vote: your ballot no longer counts, and you may vote again",
  description: whose,
  ...routeOptions({ access: optionallyAuthed, scope: "polls:vote", limits: ["vote"] }),
  request: ownBallotRequest,
  responses: {
    204: { description: "Withdrawn." },
    ...unauthorizedResponse,
    ...crossSite,
    ...missing,
    ...refusedChange,
    ...databaseErrorResponses,
  },
});

export type GetOwnBallotRoute = typeof getOwnBallotRoute;
export type ReplaceOwnBallotRoute = typeof replaceOwnBallotRoute;
export type WithdrawOwnBallotRoute = typeof withdrawOwnBallotRoute;
