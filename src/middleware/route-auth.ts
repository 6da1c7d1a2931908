import type { Env, MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import { isApiKeyScope, type KeyRequirement } from "../auth/scopes.ts";
import type { AppConfig } from "../config.ts";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/problem.ts";
import { type AuthedEnv, optionalAuth, requireAdmin, requireAuth } from "./auth.ts";
import { limits } from "./limits.ts";
import type { OpenDeclaration, RouteDeclaration, ScopableAccess, Security } from "./route-options.ts";

/**
 * Access is declared once, on the route: spread one of these into `createRoute({...})`, or
 * pass it as `access` to `routeOptions` (route-options.ts) with caching and rate limits.
 * The same object puts `security` in the OpenAPI document and the middleware on the route
 * (zod-openapi runs route middleware before the validators, so 401 precedes 422), so a
 * route cannot say "bearer" in the document and be public on the wire, or the other way.
 * Every identified caller is charged to its account's `account` budget, whatever address it
 * comes from. Handlers behind `authed`/`adminOnly` read `c.var.caller`, typed as present.
 * What an API key needs is declared beside the access (`scope` in routeOptions) and checked
 * by the same middleware, before any budget is charged.
 */
const bearerOnly: Security = [{ bearerAuth: [] }];
/** `{}` is the anonymous alternative: a token is read when sent, never required. */
const anonymousOrBearer: Security = [{}, { bearerAuth: [] }];

const perAccount = limits("account");

/** The requirement in the document, OAuth-style: `bearerAuth: ["notes:write"]` (OpenAPI 3.1 allows roles here). */
function scoped(security: Security, requirement: KeyRequirement | undefined): Security {
  if (!requirement || !isApiKeyScope(requirement)) return security;
  return security.map((option) => ("bearerAuth" in option ? { bearerAuth: [requirement] } : option));
}

function access<E extends Env>(
  security: Security,
  check: (requirement: KeyRequirement | undefined) => MiddlewareHandler<E>,
): ScopableAccess<E> {
  const declare = (requirement: KeyRequirement | undefined): RouteDeclaration<E> => ({
    security: scoped(security, requirement),
    middleware: every(check(requirement), perAccount.middleware) as MiddlewareHandler<E>,
    "x-rate-limits": perAccount.documented,
    ...(requirement ? { "x-api-key-scope": requirement } : {}),
  });
  const bare = declare(undefined);
  Object.defineProperty(bare, "requiring", { value: declare, enumerable: false });
  return bare as ScopableAccess<E>;
}

/** An access whose key requirement is fixed (admins: keys are refused). */
function fixedAccess<E extends Env>(
  security: Security,
  middleware: MiddlewareHandler<E>,
): RouteDeclaration<E> {
  return {
    security,
    middleware: every(middleware, perAccount.middleware) as MiddlewareHandler<E>,
    "x-rate-limits": perAccount.documented,
    "x-api-key-scope": "session",
  };
}

/**
 * Open to anyone; no token is read. `security: []` says so in the document (an absent
 * `security` would mean "whatever the document's default is").
 */
export const publicAccess: OpenDeclaration = { security: [], "x-rate-limits": [] };
/**
 * Needs a valid bearer token (JWT or API key). Declare what a key needs with it:
 * `routeOptions({ access: authed, scope: "notes:write" })`; bare, it refuses every key.
 */
export const authed = access<AuthedEnv>(bearerOnly, (requirement) => requireAuth(requirement));
/** Needs a login session whose account is an admin (confirmed against the database); never a key. */
export const adminOnly = fixedAccess<AuthedEnv>(bearerOnly, requireAdmin());
/**
 * Anonymous callers welcome; a sent token must be valid (and a key must hold the route's
 * scope), and then identifies the caller.
 */
export const optionallyAuthed = access(anonymousOrBearer, (requirement) => optionalAuth({ requirement }));
/**
 * `optionallyAuthed` for a WebSocket upgrade: browsers cannot set `Authorization` there, so an
 * access token may also ride as the subprotocol `bearer.<jwt>`.
 */
export const optionallyAuthedWebSocket = access(anonymousOrBearer, (requirement) =>
  optionalAuth({ webSocketProtocol: true, requirement }),
);

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
  return fixedAccess(anonymousOrBearer, middleware);
}
