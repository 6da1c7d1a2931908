import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { AppEnv } from "../env.ts";

/** Request headers a browser may send cross-origin. */
const ALLOW_HEADERS = [
  "Authorization",
  "Content-Type",
  "If-Match",
  "If-None-Match",
  "Idempotency-Key",
  "Poll-Invite",
  "X-Request-Id",
];
/** Response headers a cross-origin script may read. */
const EXPOSE_HEADERS = [
  "ETag",
  "Location",
  "Link",
  "Retry-After",
  "X-Request-Id",
  "Cache-Status",
  "Age",
  "RateLimit",
  "RateLimit-Policy",
  "X-GitHub-Upstream-Calls",
  "X-GitHub-Quota-Remaining",
];

/** The request's origin when `CORS_ORIGINS` allows it (`*` allows every origin, not a missing one). */
function allowedOrigin(origin: string | undefined, c: Context<AppEnv>): string | null {
  if (!origin) return null;
  const allowed = c.get("config").corsOrigins;
  if (allowed === "*") return "*";
  return allowed.includes(origin) ? origin : null;
}

/**
 * CORS for the origins in `CORS_ORIGINS`. Preflights (OPTIONS) from an allowed `Origin` are
 * answered by Hono's cors middleware; any other preflight gets a bare 204. Every other
 * request gets its headers after the handler, on the response it made: Hono's middleware sets them before, on a placeholder response that every real
 * response is then copied over (one extra Response and header copy per request).
 * Only a request with an allowed `Origin` gets them: browsers send `Origin` on every
 * cross-origin request, and nothing else reads these headers.
 */
export function corsPolicy(): MiddlewareHandler<AppEnv> {
  const preflight = cors({
    origin: (origin, c) => allowedOrigin(origin, c as Context<AppEnv>),
    allowHeaders: ALLOW_HEADERS,
    exposeHeaders: EXPOSE_HEADERS,
    maxAge: 600,
  });
  const exposed = EXPOSE_HEADERS.join(",");
  return async function corsMiddleware(c, next) {
    const origin = allowedOrigin(c.req.header("Origin"), c);
    if (c.req.method === "OPTIONS") {
      if (origin) return preflight(c, next);
      // Hono's preflight would still grant methods and headers (and `*` without an Origin):
      // a preflight from no origin, or one not allowed, is answered without any.
      c.header("Vary", "Origin", { append: true });
      return c.body(null, 204);
    }
    await next();
    const headers = c.res.headers;
    if (origin) {
      headers.set("Access-Control-Allow-Origin", origin);
      headers.set("Access-Control-Expose-Headers", exposed);
    }
    // The answer depends on the request's Origin (sent or not, allowed or not), so caches
    // must key on it.
    headers.append("Vary", "Origin");
  };
}
