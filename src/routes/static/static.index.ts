import { type Context, Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { ifNoneMatchHits } from "../../lib/etag.ts";
import { ApiError } from "../../lib/problem.ts";
import files from "./static-files.generated.js";
import { STATIC_ROUTES } from "./static-routes.ts";

/**
 * Browsers revalidate every time (a 304 when unchanged), as Workers static assets answered
 * before: a page and the scripts it names must never be a deploy apart.
 */
const CACHE_CONTROL = "public, max-age=0, must-revalidate";

function serveStaticFile(c: Context<AppEnv>): Response | Promise<Response> {
  const path = c.req.path;
  const file = Object.hasOwn(files, path) ? files[path] : undefined;
  // The docs page's files go with it when DOCS_ENABLED=false.
  const hidden = path.startsWith("/docs/") && !c.var.config.docsEnabled;
  if (!file || hidden) throw new ApiError("not-found", { detail: `There is no static file at ${path}.` });
  const validators = { ETag: file.etag, "Cache-Control": CACHE_CONTROL };
  // A 304 carries the validators, not the representation's metadata (RFC 9110 §15.4.5).
  if (ifNoneMatchHits(c.req.header("If-None-Match"), file.etag)) return c.body(null, 304, validators);
  return c.body(file.body, 200, { ...validators, "Content-Type": file.type });
}

/**
 * The files browsers load beside the HTML pages and the docs page, served by the worker
 * from its own bundle (scripts/build-static-files.ts; docs/pages.md, "Static files").
 */
export const staticRouter = new Hono<AppEnv>();
for (const route of STATIC_ROUTES) staticRouter.get(route, serveStaticFile);
