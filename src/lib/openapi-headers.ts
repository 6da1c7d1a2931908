import { z } from "@hono/zod-openapi";

/**
 * Response headers the routes send, declared once so every route that sends one says so
 * in the document the same way. (`X-Request-Id` and the rate-limit headers are on every
 * response; routes/system/openapi.ts adds those to the whole document.)
 */
const text = (description: string) => ({ description, schema: { type: "string" as const } });

export const responseHeaders = {
  location: { Location: text("The URL of the resource just created.") },
  etag: { ETag: text("Entity tag of this representation; send it back in `If-None-Match` or `If-Match`.") },
  link: { Link: text('`<…>; rel="next"` when another page follows.') },
  idempotentReplayed: {
    "Idempotent-Replayed": text("`true` when this answer replays an earlier request with the same key."),
  },
  voterCookie: {
    "Set-Cookie": text(
      "`dh_voter=<id>.<signature>; Path=/; HttpOnly; Secure; SameSite=Lax`: marks this browser as one voter " +
        "on anonymous polls (sent on the first visit, or to replace an altered cookie).",
    ),
  },
  contentDisposition: {
    "Content-Disposition": text('`attachment; filename="poll-<id>-results.csv"`.'),
  },
  cacheControl: { "Cache-Control": text("How long and by whom this answer may be reused.") },
  githubCache: {
    "Cache-Status": text("`hit`, `stale`, `revalidated` or `miss`."),
    Age: {
      description: "Seconds since the data was fetched from GitHub.",
      schema: { type: "integer" as const, minimum: 0 },
    },
    "X-GitHub-Upstream-Calls": {
      description: "Calls to GitHub this answer spent before it was sent (0 for a cache hit).",
      schema: { type: "integer" as const, minimum: 0 },
    },
    "X-GitHub-Quota-Remaining": {
      description: "What GitHub last reported left of the shared token's hourly quota (absent until it has).",
      schema: { type: "integer" as const, minimum: 0 },
    },
  },
} as const;

/** A 304: no body, and the `ETag` the client already holds. */
export const notModifiedResponse = {
  304: { description: "Not modified (the ETag matched `If-None-Match`).", headers: responseHeaders.etag },
} as const;

/**
 * Request headers for conditional reads. `If-None-Match` is a list of entity tags; 1 KB
 * holds dozens and keeps a hostile header from being parsed.
 */
export const ifNoneMatchHeader = {
  "if-none-match": z
    .string()
    .max(1024)
    .optional()
    .openapi({ description: 'Entity tags the client holds (`"…"`, a list, or `*`); a match answers 304.' }),
};
