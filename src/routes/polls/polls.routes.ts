import { createRoute, z } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  forbiddenResponse,
  jsonBody,
  jsonContent,
  notFoundResponse,
  problemResponseSpec,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { ifNoneMatchHeader, notModifiedResponse, responseHeaders } from "../../lib/openapi-headers.ts";
import { IdParamSchema } from "../../lib/schemas.ts";
import { authed, optionallyAuthed, optionallyAuthedWebSocket } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
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
  ...authed,
  request: { body: jsonBody(CreatePollSchema) },
  responses: {
    201: {
      description: "The poll, nested.",
      headers: responseHeaders.location,
      content: jsonContent(PollSchema),
    },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

export const listPollsRoute = createRoute({
  operationId: "listPolls",
  method: "get",
  path: "/polls",
  tags: ["Polls"],
  summary: "List polls, newest first, or by vote totals with statistics (keyset pagination)",
  ...optionallyAuthed,
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
  ...optionallyAuthed,
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
  ...authed,
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
  ...authed,
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
  ...authed,
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
  ...routeOptions({ access: optionallyAuthed, limits: ["vote"] }),
  request: { params: IdParamSchema, cookies: VoterCookieSchema, body: jsonBody(VoteSchema) },
  responses: {
    201: {
      description: "Counted.",
      headers: responseHeaders.voterCookie,
      content: jsonContent(BallotSchema),
    },
    ...unauthorizedResponse,
    ...notFoundResponse,
    409: problemResponseSpec("`poll-closed` (closed or expired) or `already-voted`."),
    429: problemResponseSpec("This address reached the poll's per-address ballot cap."),
    ...databaseErrorResponses,
    400: {
      ...problemResponseSpec("Malformed JSON, or a tampered voter cookie (a fresh one is set)."),
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
  ...optionallyAuthed,
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
  ...routeOptions({ access: optionallyAuthed, limits: ["export"] }),
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
    "Send `ping` to get `pong` (keep-alive).",
  ].join(" "),
  ...optionallyAuthedWebSocket,
  request: { params: IdParamSchema, cookies: VoterCookieSchema },
  responses: {
    101: { description: "Switching Protocols: the socket is open and the snapshot follows." },
    ...unauthorizedResponse,
    ...forbiddenResponse("`results-hidden`: an `after_vote` poll the caller has not voted in."),
    ...notFoundResponse,
    426: problemResponseSpec("`upgrade-required`: not a WebSocket upgrade request."),
    ...databaseErrorResponses,
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
