import { createRoute } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  jsonContent,
  notFoundResponse,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { responseHeaders } from "../../lib/openapi-headers.ts";
import { IdParamSchema } from "../../lib/schemas.ts";
import { authed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import { etagHeader, IfMatchHeaders, preconditionFailed } from "./notes.routes.ts";
import { NoteSchema } from "./notes.schemas.ts";
import {
  ListVersionsQuerySchema,
  NoteVersionListSchema,
  NoteVersionSchema,
  VersionParamSchema,
} from "./notes.versions.schemas.ts";

const retention =
  "The newest 50 earlier versions of a note are kept, each for 90 days after it was replaced; purging the note deletes them.";

export const listNoteVersionsRoute = createRoute({
  operationId: "listNoteVersions",
  method: "get",
  path: "/notes/{id}/versions",
  tags: ["Notes"],
  summary: "Earlier versions of a note, newest first (keyset pagination)",
  description: `Every write that changes a note keeps the state it replaced. ${retention}`,
  ...routeOptions({ access: authed, scope: "notes:read", cache: "no-store" }),
  request: { params: IdParamSchema, query: ListVersionsQuerySchema },
  responses: {
    200: {
      description: 'A page of versions (without their content); `Link: <…>; rel="next"` when more follow.',
      headers: responseHeaders.link,
      content: jsonContent(NoteVersionListSchema),
    },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const getNoteVersionRoute = createRoute({
  operationId: "getNoteVersion",
  method: "get",
  path: "/notes/{id}/versions/{n}",
  tags: ["Notes"],
  summary: "One version of a note, with its content (a kept one, or the current)",
  ...routeOptions({ access: authed, scope: "notes:read", cache: "no-store" }),
  request: { params: VersionParamSchema },
  responses: {
    200: { description: "The version.", content: jsonContent(NoteVersionSchema) },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const restoreNoteVersionRoute = createRoute({
  operationId: "restoreNoteVersion",
  method: "post",
  path: "/notes/{id}/versions/{n}/restore",
  tags: ["Notes"],
  summary: "Make a version's title, content and tags current again (as a new version; supports If-Match)",
  ...routeOptions({ access: authed, scope: "notes:write" }),
  request: { params: VersionParamSchema, headers: IfMatchHeaders },
  responses: {
    200: {
      description: "The note, at its new version.",
      headers: etagHeader,
      content: jsonContent(NoteSchema),
    },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...conflictResponse(
      "The note is in the trash; restore it first. Or `quota-exceeded`: the version's text would take the account past its notes bytes quota.",
    ),
    ...preconditionFailed,
    ...databaseErrorResponses,
  },
});

export type ListNoteVersionsRoute = typeof listNoteVersionsRoute;
export type GetNoteVersionRoute = typeof getNoteVersionRoute;
export type RestoreNoteVersionRoute = typeof restoreNoteVersionRoute;
