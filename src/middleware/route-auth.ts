import type { MiddlewareHandler } from "hono";
import type { AppConfig } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/problem.ts";
import { optionalAuth, requireAdmin, requireAuth } from "./auth.ts";

/**
 * Access is declared once, on the route: spread one of these into `createRoute({...})`.
 * The same object puts `security` in the OpenAPI document and the middleware on the route
 * (zod-openapi runs route middleware before the validators, so 401 precedes 422), so a
 * route cannot say "bearer" in the document and be public on the wire, or the other way.
 * Handlers behind `authed`/`adminOnly` read the caller with `authedCaller(c)` (auth.ts).
 */
const bearerOnly = [{ bearerAuth: [] }];
/** `{}` is the anonymous alternative: a token is read when sent, never required. */
const anonymousOrBearer: Array<Record<string, string[]>> = [{}, { bearerAuth: [] }];

/**
 * Open to anyone; no token is read. `security: []` says so in the document (an absent
 * `security` would mean "whatever the document's default is").
 */
export const publicAccess = { security: [] as Array<Record<string, string[]>> };
/** Needs a valid bearer token (JWT or API key). */
export const authed = { security: bearerOnly, middleware: requireAuth() };
/** Needs a bearer token whose account is an admin (confirmed against the database). */
export const adminOnly = { security: bearerOnly, middleware: requireAdmin() };
/** Anonymous callers welcome; a sent token must be valid and then identifies the caller. */
export const optionallyAuthed = { security: anonymousOrBearer, middleware: optionalAuth() };

type ConfiguredAccess = "public" | "admin" | "off";

/**
 * Access chosen per environment at runtime (`STATS_ACCESS`, `TRIGGER_ERROR_ACCESS`): open,
 * admins only, or switched off (404). The document says "anonymous or bearer" for these.
 */
export function configuredAccess(pick: (config: AppConfig) => ConfiguredAccess) {
  const admin = requireAdmin();
  const middleware: MiddlewareHandler<AppEnv> = async function configuredAccessMiddleware(c, next) {
    const access = pick(c.get("config"));
    if (access === "off") {
      throw new ApiError("not-found", { detail: "This endpoint is disabled in this environment." });
    }
    if (access === "admin") return admin(c, next);
    await next();
  };
  return { security: anonymousOrBearer, middleware };
}
