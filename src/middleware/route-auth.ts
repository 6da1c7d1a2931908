import type { Env, MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import type { AppConfig } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/problem.ts";
import { type AuthedEnv, optionalAuth, requireAdmin, requireAuth } from "./auth.ts";
import { limits } from "./limits.ts";
import type { OpenDeclaration, RouteDeclaration, Security } from "./route-options.ts";

/**
 * Access is declared once, on the route: spread one of these into `createRoute({...})`, or
 * pass it as `access` to `routeOptions` (route-options.ts) with caching and rate limits.
 * The same object puts `security` in the OpenAPI document and the middleware on the route
 * (zod-openapi runs route middleware before the validators, so 401 precedes 422), so a
 * route cannot say "bearer" in the document and be public on the wire, or the other way.
 * Every identified caller is charged to its account's `account` budget, whatever address it
 * comes from. Handlers behind `authed`/`adminOnly` read `c.var.caller`, typed as present.
 */
const bearerOnly: Security = [{ bearerAuth: [] }];
/** `{}` is the anonymous alternative: a token is read when sent, never required. */
const anonymousOrBearer: Security = [{}, { bearerAuth: [] }];

const perAccount = limits("account");

function access<E extends Env>(security: Security, check: MiddlewareHandler<E>): RouteDeclaration<E> {
  return {
    security,
    middleware: every(check, perAccount.middleware) as MiddlewareHandler<E>,
    "x-rate-limits": perAccount.documented,
  };
}

/**
 * Open to anyone; no token is read. `security: []` says so in the document (an absent
 * `security` would mean "whatever the document's default is").
 */
export const publicAccess: OpenDeclaration = { security: [], "x-rate-limits": [] };
/** Needs a valid bearer token (JWT or API key). */
export const authed = access<AuthedEnv>(bearerOnly, requireAuth());
/** Needs a bearer token whose account is an admin (confirmed against the database). */
export const adminOnly = access<AuthedEnv>(bearerOnly, requireAdmin());
/** Anonymous callers welcome; a sent token must be valid and then identifies the caller. */
export const optionallyAuthed = access(anonymousOrBearer, optionalAuth());
/**
 * `optionallyAuthed` for a WebSocket upgrade: browsers cannot set `Authorization` there, so an
 * access token may also ride as the subprotocol `bearer.<jwt>`.
 */
export const optionallyAuthedWebSocket = access(anonymousOrBearer, optionalAuth({ webSocketProtocol: true }));

type ConfiguredAccess = "public" | "admin" | "off";

/**
 * Access chosen per environment at runtime (`STATS_ACCESS`, `TRIGGER_ERROR_ACCESS`): open,
 * admins only, or switched off (404). The document says "anonymous or bearer" for these.
 */
export function configuredAccess(pick: (config: AppConfig) => ConfiguredAccess) {
  // Admin or not is decided per request, so this route's handler is typed for either.
  const admin = requireAdmin() as unknown as MiddlewareHandler<AppEnv>;
  const middleware: MiddlewareHandler<AppEnv> = async function configuredAccessMiddleware(c, next) {
    const chosen = pick(c.get("config"));
    if (chosen === "off") {
      throw new ApiError("not-found", { detail: "This endpoint is disabled in this environment." });
    }
    if (chosen === "admin") return admin(c, next);
    await next();
  };
  return access(anonymousOrBearer, middleware);
}
