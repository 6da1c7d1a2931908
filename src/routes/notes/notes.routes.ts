import { createRoute, z } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  jsonContent,
  notFoundResponse,
  ProblemSchema,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { ifNoneMatchHeader, notModifiedResponse, responseHeaders } from "../../lib/openapi-headers.ts";
import { booleanQuery, IdParamSchema } from "../../lib/schemas.ts";
import { onlyWithQuery } from "../../middleware/limits.ts";
import { authed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import {
  CreateNoteSchema,
  ListNotesQuerySchema,
  NoteListSchema,
  NoteSchema,
  PurgedNotesSchema,
  TagCountListSchema,
  UpdateNoteSchema,
} from "./notes.schemas.ts";

export const etagHeader = {
  ETag: { description: 'The note\'s version, e.g. `"v3"`.', schema: { type: "string" as const } },
};
const StaleNoteProblemSchema = ProblemSchema.extend({
  current_version: z.number().int().openapi({ description: "The note's version now." }),
  current: NoteSchema.openapi({ description: "The note as it is now: merge into it and retry." }),
}).openapi("StaleNoteProblem");

export const preconditionFailed = {
  412: {
    description:
      "`If-Match` names an older version. The problem carries the note as it is now (`current`, `current_version`) to merge into; retry with the `ETag` sent.",
    headers: etagHeader,
    content: { "application/problem+json": { schema: StaleNoteProblemSchema } },
  },
};

export const IfMatchHeaders = z.object({
  "if-match": z.string().max(200).optional().openapi({
    description:
      'Only act if the note is at one of these versions (`"v3"`, or a list `"v3", "v4"`; `*` for any). Compared strongly: a weak tag (`W/"v3"`) never matches.',
  }),
});

export const createNoteRoute = createRoute({
  operationId: "createNote",
  method: "post",
  path: "/notes",
  tags: ["Notes"],
  summary: "Create a note",
  description:
    "Send `Idempotency-Key` to make retries safe: the same key and body within 24 h returns the created " +
    "note (with `Idempotent-Replayed: true`) instead of creating another; the same key with another body is 422.",
  ...routeOptions({ access: authed, scope: "notes:write" }),
  request: {
    headers: z.object({
      "idempotency-key": z
        .string()
        .min(1)
        .max(255)
        .regex(/^[\x21-\x7e]+$/, { message: "Must be printable ASCII without spaces." })
        .optional(),
    }),
    body: { required: true, content: jsonContent(CreateNoteSchema) },
  },
  responses: {
    201: {
      description: "Created.",
      headers: { ...etagHeader, ...responseHeaders.location, ...responseHeaders.idempotentReplayed },
      content: jsonContent(NoteSchema),
    },
    ...unauthorizedResponse,
    ...conflictResponse(
      "A request with this Idempotency-Key is still being processed; retry. Or `quota-exceeded`: the account's notes quota (count or bytes) is full.",
    ),
    ...databaseErrorResponses,
  },
});

export const listNotesRoute = createRoute({
  operationId: "listNotes",
  method: "get",
  path: "/notes",
  tags: ["Notes"],
  summary: "List, filter and search notes (keyset pagination)",
  // A search (`q`) has its own budget and at most a few of one account run at once.
  ...routeOptions({
    access: authed,
    scope: "notes:read",
    limits: onlyWithQuery("q", "search", "search_slots"),
  }),
  request: { query: ListNotesQuerySchema },
  responses: {
    200: {
      description: 'A page; `Link: <…>; rel="next"` when more follow.',
      headers: responseHeaders.link,
      content: jsonContent(NoteListSchema),
    },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

export const getNoteRoute = createRoute({
  operationId: "getNote",
  method: "get",
  path: "/notes/{id}",
  tags: ["Notes"],
  summary: "Get a note (supports If-None-Match)",
  ...routeOptions({ access: authed, scope: "notes:read" }),
  request: { params: IdParamSchema, headers: z.object(ifNoneMatchHeader) },
  responses: {
    200: {
      description: "The note.",
      headers: { ...etagHeader, ...responseHeaders.cacheControl },
      content: jsonContent(NoteSchema),
    },
    ...notModifiedResponse,
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const updateNoteRoute = createRoute({
  operationId: "updateNote",
  method: "patch",
  path: "/notes/{id}",
  tags: ["Notes"],
  summary: "Change some fields of a note (supports If-Match)",
  ...routeOptions({ access: authed, scope: "notes:write" }),
  request: {
    params: IdParamSchema,
    headers: IfMatchHeaders,
    body: { required: true, content: jsonContent(UpdateNoteSchema) },
  },
  responses: {
    200: { description: "The updated note.", headers: etagHeader, content: jsonContent(NoteSchema) },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...conflictResponse(
      "The note is in the trash; restore it first. Or `quota-exceeded`: the new text would take the account past its notes bytes quota.",
    ),
    ...preconditionFailed,
    ...databaseErrorResponses,
  },
});

export const deleteNoteRoute = createRoute({
  operationId: "deleteNote",
  method: "delete",
  path: "/notes/{id}",
  tags: ["Notes"],
  summary: "Move a note to the trash, or delete it for good from the trash (?permanent=true)",
  ...routeOptions({ access: authed, scope: "notes:write" }),
  request: {
    params: IdParamSchema,
    headers: IfMatchHeaders,
    query: z.object({ permanent: booleanQuery(false) }),
  },
  responses: {
    204: { description: "Trashed (or already in the trash), or deleted for good." },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...conflictResponse("permanent=true on a note that is not in the trash."),
    ...preconditionFailed,
    ...databaseErrorResponses,
  },
});

export const restoreNoteRoute = createRoute({
  operationId: "restoreNote",
  method: "post",
  path: "/notes/{id}/restore",
  tags: ["Notes"],
  summary: "Restore a note from the trash",
  ...routeOptions({ access: authed, scope: "notes:write" }),
  request: { params: IdParamSchema, headers: IfMatchHeaders },
  responses: {
    200: { description: "The restored note.", headers: etagHeader, content: jsonContent(NoteSchema) },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...conflictResponse("The note is not in the trash."),
    ...preconditionFailed,
    ...databaseErrorResponses,
  },
});

export const emptyTrashRoute = createRoute({
  operationId: "emptyTrash",
  method: "delete",
  path: "/trash",
  tags: ["Notes"],
  summary: "Delete every note in the caller's trash for good",
  ...routeOptions({ access: authed, scope: "notes:write" }),
  responses: {
    200: {
      description: "How many notes were purged.",
      content: jsonContent(PurgedNotesSchema),
    },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

export const listTagsRoute = createRoute({
  operationId: "listTags",
  method: "get",
  path: "/tags",
  tags: ["Notes"],
  summary: "The caller's tags with note counts (trash excluded)",
  ...routeOptions({ access: authed, scope: "notes:read" }),
  responses: {
    200: { description: "Tags, most used first.", content: jsonContent(TagCountListSchema) },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

export type CreateNoteRoute = typeof createNoteRoute;
export type ListNotesRoute = typeof listNotesRoute;
export type GetNoteRoute = typeof getNoteRoute;
export type UpdateNoteRoute = typeof updateNoteRoute;
export type DeleteNoteRoute = typeof deleteNoteRoute;
export type RestoreNoteRoute = typeof restoreNoteRoute;
export type EmptyTrashRoute = typeof emptyTrashRoute;
export type ListTagsRoute = typeof listTagsRoute;
