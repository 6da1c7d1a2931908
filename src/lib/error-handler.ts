import type { Context, ErrorHandler, NotFoundHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "../env.ts";
import { describeError } from "./describe-error.ts";
import { Logger } from "./logger.ts";
import { ApiError, problemResponse, slugForStatus } from "./problem.ts";

/** Hono's own exceptions (JSON parse, body limit, media type) get our problem types. */
function slugForHonoException(error: HTTPException): string {
  if (error.status === 400 && /json/i.test(error.message)) return "malformed-json";
  return slugForStatus(error.status);
}

function loggerFor(c: Context<AppEnv>): Logger {
  // The context middleware may not have run (e.g. it threw itself), so fall back.
  return c.get("log") ?? new Logger({ level: "info", channelLevels: {} }, { request_id: c.get("requestId") });
}

/**
 * Renders every thrown error as problem+json. Unknown exceptions become an opaque 500:
 * the message reaches the `error` log channel, never the client (outside local/test).
 */
export const handleError: ErrorHandler<AppEnv> = (error, c) => {
  if (error instanceof ApiError) return problemResponse(c, error.slug, error.init);
  if (error instanceof HTTPException && error.status < 500) {
    const detail = error.message || "The request could not be processed.";
    return problemResponse(c, slugForHonoException(error), { status: error.status, detail });
  }
  const described = describeError(error);
  if (described.type === "DatabaseUnavailable") {
    // An outage, not a bug: tell clients to come back rather than report a crash.
    loggerFor(c).error("error", "database.unavailable", {
      path: new URL(c.req.url).pathname,
      error: described,
    });
    return problemResponse(c, "dependency-unavailable", {
      detail: "The database is unavailable right now; retry shortly.",
      headers: { "Retry-After": "5" },
      extensions: { dependency: "postgres" },
    });
  }
  loggerFor(c).error("error", "request.unhandled_exception", {
    method: c.req.method,
    path: new URL(c.req.url).pathname,
    error: described,
  });
  const expose = c.get("config")?.exposeErrorDetail ?? false;
  const detail = expose
    ? `Unhandled ${described.type}: ${described.message}`
    : "An unexpected error occurred. Quote the request id when reporting it.";
  return problemResponse(c, "internal-error", { detail });
};

/** Given a path, lists the methods any route accepts there (empty when nothing matches). */
export type AllowedMethodsLookup = (path: string) => string[];

export function notFoundHandler(allowedMethods: AllowedMethodsLookup): NotFoundHandler<AppEnv> {
  return function notFound(c) {
    // The path as the router matched it (percent-decoded): `/%68ealth` is `/health` to both.
    const path = c.req.path;
    const allowed = allowedMethods(path);
    if (allowed.length > 0) {
      return problemResponse(c, "method-not-allowed", {
        detail: `${c.req.method} is not supported on ${path}. Allowed: ${allowed.join(", ")}.`,
        headers: { Allow: allowed.join(", ") },
      });
    }
    return problemResponse(c, "not-found", { detail: `No route matches ${c.req.method} ${path}.` });
  };
}
