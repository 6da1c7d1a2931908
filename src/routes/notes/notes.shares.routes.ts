import { createRoute, z } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  jsonBody,
  jsonContent,
  notFoundResponse,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { responseHeaders } from "../../lib/openapi-headers.ts";
import { IdParamSchema } from "../../lib/schemas.ts";
import { authed, publicAccess } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import {
  CreatedNoteShareSchema,
  CreateShareSchema,
  NoteShareListSchema,
  SharedNoteSchema,
  ShareParamSchema,
  ShareTokenParamSchema,
} from "./notes.shares.schemas.ts";

const SharedNotePageSchema = z
  .string()
  .openapi("SharedNotePage", { description: "The shared note as a page, for a browser." });

export const createNoteShareRoute = createRoute({
  operationId: "createNoteShare",
  method: "post",
  path: "/notes/{id}/shares",
  tags: ["Notes"],
  summary: "Create a read-only share link to a note (the token is shown once)",
  description:
    "Anyone with the link reads the note's title, content and tags at `GET /s/{token}`, until the link is revoked or expires, the note is trashed or purged, or the owner is disabled. At most 20 links per note.",
  ...routeOptions({ access: authed, scope: "notes:write", cache: "no-store" }),
  request: { params: IdParamSchema, body: jsonBody(CreateShareSchema) },
  responses: {
    201: {
      description: "The link, with its token (never shown again).",
      headers: responseHeaders.location,
      content: jsonContent(CreatedNoteShareSchema),
    },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...conflictResponse("The note is in the trash, or already has 20 links."),
    ...databaseErrorResponses,
  },
});

export const listNoteSharesRoute = createRoute({
  operationId: "listNoteShares",
  method: "get",
  path: "/notes/{id}/shares",
  tags: ["Notes"],
  summary: "A note's share links with their last access (never their tokens)",
  ...routeOptions({ access: authed, scope: "notes:read", cache: "no-store" }),
  request: { params: IdParamSchema },
  responses: {
    200: { description: "The links, newest first.", content: jsonContent(NoteShareListSchema) },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const revokeNoteShareRoute = createRoute({
  operationId: "revokeNoteShare",
  method: "delete",
  path: "/notes/{id}/shares/{share_id}",
  tags: ["Notes"],
  summary: "Revoke a share link (access ends at once)",
  ...routeOptions({ access: authed, scope: "notes:write" }),
  request: { params: ShareParamSchema },
  responses: {
    204: { description: "Revoked." },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

const sharedPageHeaders = {
  "Referrer-Policy": {
    description: "`no-referrer`: the token never leaves in a Referer.",
    schema: { type: "string" as const },
  },
  "X-Robots-Tag": { description: "`noindex, nofollow`.", schema: { type: "string" as const } },
};

export const readSharedNoteRoute = createRoute({
  operationId: "readSharedNote",
  method: "get",
  path: "/s/{token}",
  tags: ["Notes"],
  summary: "Read a shared note: an HTML page for browsers, JSON for clients (`Accept`)",
  description:
    "Public: the token is the credential. Any link that cannot be read (unknown, revoked, expired, note trashed or purged, owner disabled) is the same 404. The page renders the Markdown sanitised: only a fixed set of tags, no raw HTML, only http(s) and mailto links. Never stored by caches.",
  ...routeOptions({ access: publicAccess, cache: "no-store", limits: ["share_read"] }),
  request: { params: ShareTokenParamSchema },
  responses: {
    200: {
      description: "The note's title, content and tags.",
      headers: { ...sharedPageHeaders, ...responseHeaders.cacheControl },
      content: { ...jsonContent(SharedNoteSchema), "text/html": { schema: SharedNotePageSchema } },
    },
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export type CreateNoteShareRoute = typeof createNoteShareRoute;
export type ListNoteSharesRoute = typeof listNoteSharesRoute;
export type RevokeNoteShareRoute = typeof revokeNoteShareRoute;
export type ReadSharedNoteRoute = typeof readSharedNoteRoute;
