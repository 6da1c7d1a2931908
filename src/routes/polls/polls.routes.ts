import { createRoute, z } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  forbiddenResponse,
  jsonBody,
  jsonContent,
  notFoundResponse,
  problemResponseSpec,
  retryAfterHeader,
  unauthorizedResponse,
  unavailableProblem,
} from "../../lib/openapi.ts";
import { ifNoneMatchHeader, notModifiedResponse, responseHeaders } from "../../lib/openapi-headers.ts";
import { IdParamSchema } from "../../lib/schemas.ts";
import { authed, optionallyAuthed, optionallyAuthedWebSocket } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import { InviteHeaderSchema } from "./polls.invite-token.ts";
import {
  BallotSchema,
  CreatePollSchema,
  ListPollsQuerySchema,
  PollListSchema,
  PollSchema,
  ResultsCsvSchema,
  ResultsSchema,
  UpdatePollSchema,
  VoterCookieSchema,
  VoteSchema,
} from "./polls.schemas.ts";

/** Reads that depend on the voter (has_voted, after_vote visibility) and can answer 304. */
const voterRead = { params: IdParamSchema, headers: z.object(ifNoneMatchHeader), cookies: VoterCookieSchema };
const conditional = { ...responseHeaders.etag, ...responseHeaders.cacheControl };

export const createPollRoute = createRoute({
  operationId: "createPoll",
  method: "post",
  path: "/polls",
  tags: ["Polls"],
  summary: "Create a poll with its questions and choices (one transaction)",
  ...routeOptions({ access: authed, scope: "polls:write" }),
  request: { body: jsonBody(CreatePollSchema) },
  responses: {
    201: {
      description: "The poll, nested.",
      headers: responseHeaders.location,
      content: jsonContent(PollSchema),
    },
    ...unauthorizedResponse,
    ...conflictResponse("`quota-exceeded`: the account already keeps as many polls as its quota allows."),
    ...databaseErrorResponses,
  },
});

export const listPollsRoute = createRoute({
  operationId: "listPolls",
  method: "get",
  path: "/polls",
  tags: ["Polls"],
  summary: "List polls, newest first, or by vote totals with statistics (keyset pagination)",
  ...routeOptions({ access: optionallyAuthed, scope: "polls:read" }),
  request: { query: ListPollsQuerySchema },
  responses: {
    200: {
      description: "A page of polls.",
      headers: responseHeaders.link,
      content: jsonContent(PollListSchema),
    },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

export const getPollRoute = createRoute({
  operationId: "getPoll",
  method: "get",
  path: "/polls/{id}",
  tags: ["Polls"],
  summary: "A poll with questions and choices, and whether the caller has voted",
  description: "For anonymous polls this issues the signed `dh_voter` cookie on the first visit.",
  ...routeOptions({ access: optionallyAuthed, scope: "polls:read" }),
  request: voterRead,
  responses: {
    200: {
      description: "The poll, with an `ETag` of its bytes.",
      headers: { ...conditional, ...responseHeaders.voterCookie },
      content: jsonContent(PollSchema),
    },
    ...notModifiedResponse,
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const updatePollRoute = createRoute({
  operationId: "updatePoll",
  method: "patch",
  path: "/polls/{id}",
  tags: ["Polls"],
  summary: "Edit a poll (owner); questions only until the first vote",
  ...routeOptions({ access: authed, scope: "polls:write" }),
  request: { params: IdParamSchema, body: jsonBody(UpdatePollSchema) },
  responses: {
    200: { description: "The poll after the edit.", content: jsonContent(PollSchema) },
    ...unauthorizedResponse,
    ...forbiddenResponse("Only the owner may edit."),
    ...notFoundResponse,
    ...conflictResponse("Questions cannot change once someone has voted."),
    ...databaseErrorResponses,
  },
});

export const closePollRoute = createRoute({
  operationId: "closePoll",
  method: "post",
  path: "/polls/{id}/close",
  tags: ["Polls"],
  summary: "Close a poll now (owner); closing a closed poll is a no-op",
  ...routeOptions({ access: authed, scope: "polls:write" }),
  request: { params: IdParamSchema },
  responses: {
    200: { description: "The closed poll.", content: jsonContent(PollSchema) },
    ...unauthorizedResponse,
    ...forbiddenResponse("Only the owner may close."),
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const deletePollRoute = createRoute({
  operationId: "deletePoll",
  method: "delete",
  path: "/polls/{id}",
  tags: ["Polls"],
  summary: "Delete a poll (owner or admin; soft delete)",
  ...routeOptions({ access: authed, scope: "polls:write" }),
  request: { params: IdParamSchema },
  responses: {
    204: { description: "Deleted." },
    ...unauthorizedResponse,
    ...forbiddenResponse("Only the owner or an admin may delete."),
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const voteRoute = createRoute({
  operationId: "castVote",
  method: "post",
  path: "/polls/{id}/votes",
  tags: ["Polls"],
  summary: "Vote: one answer per question, once per voter",
  description: [
    "Anonymous polls count one ballot per browser, marked by the `dh_voter` cookie this API sets",
    "(`GET /polls/{id}` sets it): send it back with the ballot. Without it the ballot is refused",
    "(400 `invalid-voter-cookie`, with a fresh cookie), unless it carries a bearer token or comes from",
    "this site's own page. A browser request from another site (`Sec-Fetch-Site`, `Origin`) without a",
    "bearer token is refused (403).",
  ].join(" "),
  ...routeOptions({ access: optionallyAuthed, scope: "polls:vote", limits: ["vote"] }),
  request: {
    params: IdParamSchema,
    cookies: VoterCookieSchema,
    headers: InviteHeaderSchema,
    body: jsonBody(VoteSchema),
  },
  responses: {
    201: {
      description: "Counted.",
      headers: responseHeaders.voterCookie,
      content: jsonContent(BallotSchema),
    },
    ...unauthorizedResponse,
    ...forbiddenResponse(
      "A browser on another site sent the ballot without a bearer token; or `invite-required`: an invite-only poll and no live invitation.",
    ),
    ...notFoundResponse,
    409: problemResponseSpec("`poll-closed` (closed or expired) or `already-voted`."),
    429: problemResponseSpec("This address reached the poll's per-address ballot cap."),
    ...databaseErrorResponses,
    400: {
      ...problemResponseSpec(
        "Malformed JSON, or `invalid-voter-cookie`: an anonymous poll's ballot without the voter cookie, or with a tampered one (a fresh one is set).",
      ),
      headers: responseHeaders.voterCookie,
    },
  },
});

export const resultsRoute = createRoute({
  operationId: "getPollResults",
  method: "get",
  path: "/polls/{id}/results",
  tags: ["Polls"],
  summary: "Results: per question voters, per choice votes and percent (JSON, or CSV with Accept: text/csv)",
  ...routeOptions({ access: optionallyAuthed, scope: "polls:read" }),
  request: voterRead,
  responses: {
    200: {
      description: "Results, with an `ETag` that changes only when they do (counts, title, status).",
      headers: { ...conditional, ...responseHeaders.contentDisposition },
      content: { ...jsonContent(ResultsSchema), "text/csv": { schema: ResultsCsvSchema } },
    },
    ...notModifiedResponse,
    ...unauthorizedResponse,
    ...forbiddenResponse("Results are not visible yet (see results_visibility)."),
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const resultsCsvRoute = createRoute({
  operationId: "exportPollResultsCsv",
  method: "get",
  path: "/polls/{id}/results.csv",
  tags: ["Polls"],
  summary: "Results as CSV (RFC 4180, UTF-8 with BOM)",
  ...routeOptions({ access: optionallyAuthed, scope: "polls:read", limits: ["export"] }),
  request: voterRead,
  responses: {
    200: {
      description: "One row per choice.",
      headers: { ...conditional, ...responseHeaders.contentDisposition },
      content: { "text/csv": { schema: ResultsCsvSchema } },
    },
    ...notModifiedResponse,
    ...unauthorizedResponse,
    ...forbiddenResponse("Results are not visible yet (see results_visibility)."),
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const liveResultsRoute = createRoute({
  operationId: "streamPollResults",
  method: "get",
  path: "/polls/{id}/results/live",
  tags: ["Polls"],
  summary: "Live results over a WebSocket (`Upgrade: websocket`)",
  description: [
    "Every server message is a JSON object with a `type`:",
    '`{"type":"results","results":<the body of GET /polls/{id}/results>}` first (a full snapshot on every',
    "(re)connect) and after votes, coalesced to at most one message per 250 ms;",
    '`{"type":"closed","results":…}` when the poll closes (the final result);',
    '`{"type":"deleted"}` when it is deleted (then the socket closes).',
    "Visibility is the REST read's: `after_vote` needs the voter's cookie or token (else 403 before the upgrade);",
    "`after_close` accepts the socket but sends nothing until the poll closes. Browsers, which cannot set",
    "`Authorization` on a WebSocket, may offer the subprotocols `devhub.results.v1` and `bearer.<access token>`.",
    "Send `ping` to get `pong` (keep-alive); anything else closes the socket (1008), and a socket that sends",
    "nothing, not even `ping`, for the idle time (`LIVE_IDLE_SECONDS`, 120 s) is closed (1001) within half that",
    "time again: ping every minute. One address may hold `LIVE_SOCKETS_PER_ADDRESS` (20) sockets on a poll (else",
    "429 `too-many-live-sockets`), a poll `LIVE_SOCKETS_PER_POLL` (10,000) in all (else 503 `live-results-full`).",
    "A browser on another site (`Sec-Fetch-Site`, `Origin`) is refused (403) unless it sends a bearer token.",
  ].join(" "),
  ...routeOptions({ access: optionallyAuthedWebSocket, scope: "polls:read" }),
  request: { params: IdParamSchema, cookies: VoterCookieSchema },
  responses: {
    101: { description: "Switching Protocols: the socket is open and the snapshot follows." },
    ...unauthorizedResponse,
    ...forbiddenResponse(
      "`results-hidden`: an `after_vote` poll the caller has not voted in; or `forbidden`: a browser on another site without a bearer token.",
    ),
    ...notFoundResponse,
    426: problemResponseSpec("`upgrade-required`: not a WebSocket upgrade request."),
    429: {
      ...problemResponseSpec(
        "`too-many-live-sockets`: this address holds its share of sockets on the poll; or `rate-limited`: a rate limit budget is spent.",
      ),
      headers: { "Retry-After": retryAfterHeader },
    },
    ...databaseErrorResponses,
    ...unavailableProblem(
      "`live-results-full`: the poll has its maximum of subscribers; or `dependency-unavailable` (the database).",
    ),
  },
});

export type LiveResultsRoute = typeof liveResultsRoute;
export type CreatePollRoute = typeof createPollRoute;
export type ListPollsRoute = typeof listPollsRoute;
export type GetPollRoute = typeof getPollRoute;
export type UpdatePollRoute = typeof updatePollRoute;
export type ClosePollRoute = typeof closePollRoute;
export type DeletePollRoute = typeof deletePollRoute;
export type VoteRoute = typeof voteRoute;
export type ResultsRoute = typeof resultsRoute;
export type ResultsCsvRoute = typeof resultsCsvRoute;
