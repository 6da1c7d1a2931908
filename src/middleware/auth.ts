import { sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { insertAuditEvent } from "../audit/audit-event.ts";
import { isApiKeyScope, type KeyRequirement } from "../auth/scopes.ts";
import {
  API_KEY_PREFIX,
  bearerFromWebSocketProtocols,
  bearerRequired,
  invalidCredentials,
  verifyAccessToken,
} from "../auth/tokens.ts";
import { requireSigningKeys } from "../config.ts";
import { queryRows } from "../db/client.ts";
import type { AppEnv, Caller } from "../env.ts";
import { sha256 } from "../lib/crypto.ts";
import { ApiError } from "../lib/problem.ts";
import { checkKeyRequirement } from "./key-scope.ts";

/** last_used_at is refreshed at most this often per key, so busy keys do not write per request. */
const LAST_USED_GRANULARITY = "60 seconds";
/** No legitimate bearer credential is this long; longer input is rejected before any work. */
const MAX_CREDENTIAL_LENGTH = 4096;

interface ApiKeyRow extends Record<string, unknown> {
  key_id: string;
  user_id: string;
  disabled: boolean;
  expired: boolean;
  scopes: string[];
}

/**
 * Resolves an API key in one round trip: the lookup joins the owner (so a disabled user's
 * keys stop at once) and accepts a rotated key's previous secret inside its overlap window.
 * The same statement counts the request in the key's hourly bucket, stamps `last_used_at`
 * and the address when stale or changed, and records an audit event when the address differs
 * from the last use's (written with the change, so neither exists without the other).
 */
async function callerFromApiKey(c: Context<AppEnv>, key: string): Promise<Caller> {
  const hash = await sha256(key);
  const ip = c.get("client").ip;
  const newAddress = insertAuditEvent(
    { type: "api_key.new_address", credential: "api_key", credentialId: sql`usable.id`, ip },
    sql`usable.user_id`,
    sql`usable WHERE usable.last_used_ip IS DISTINCT FROM ${ip}`,
  );
  const result = await queryRows<ApiKeyRow>(
    c.get("db"),
    sql`
    WITH found AS (
      SELECT k.id, k.user_id, k.scopes, u.disabled_at IS NOT NULL AS disabled,
             (k.expires_at IS NOT NULL AND k.expires_at <= now()) AS expired, k.last_used_at, k.last_used_ip
      FROM api_keys k JOIN users u ON u.id = k.user_id
      WHERE (k.key_hash = ${hash} OR (k.previous_key_hash = ${hash} AND k.previous_valid_until > now()))
        AND k.revoked_at IS NULL
    ), usable AS (
      SELECT * FROM found WHERE NOT disabled AND NOT expired
    ), touched AS (
      UPDATE api_keys SET last_used_at = now(), last_used_ip = ${ip}
      WHERE id = (SELECT id FROM usable)
        AND (last_used_at IS NULL OR last_used_at < now() - ${LAST_USED_GRANULARITY}::interval
             OR last_used_ip IS DISTINCT FROM ${ip})
      RETURNING id
    ), counted AS (
      INSERT INTO api_key_usage (key_id, hour, requests)
      SELECT id, date_trunc('hour', now()), 1 FROM usable
      ON CONFLICT (key_id, hour) DO UPDATE SET requests = api_key_usage.requests + 1
      RETURNING key_id
    ), audit AS (${newAddress})
    SELECT id AS key_id, user_id, scopes, disabled, expired FROM found`,
  );
  const row = result[0];
  if (!row) throw invalidCredentials("The API key is invalid or has been revoked.");
  if (row.expired) throw invalidCredentials("The API key has expired.");
  if (row.disabled) throw invalidCredentials("The account is disabled.");
  // Admin powers never reach a key: whatever its owner's role, a key acts as a user.
  const scopes = row.scopes.filter(isApiKeyScope);
  return { userId: row.user_id, role: "user", via: "api_key", apiKeyId: row.key_id, scopes };
}

/** Reads `Authorization: Bearer <jwt | API key>` and resolves the caller, or throws a 401. */
async function authenticate(c: Context<AppEnv>): Promise<Caller> {
  const header = c.req.header("Authorization");
  if (!header) {
    throw bearerRequired("This endpoint needs a bearer token.");
  }
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  const credential = match?.[1];
  if (!credential || credential.length > MAX_CREDENTIAL_LENGTH) {
    throw bearerRequired("The Authorization header must be `Bearer <token>`.");
  }
  return credential.startsWith(API_KEY_PREFIX)
    ? callerFromApiKey(c, credential)
    : callerFromJwt(c, credential);
}

/**
 * A JWT's `role` claim is a snapshot from login. A user token is taken as it is (no
 * statement: most requests stay at one round trip); a token claiming admin is confirmed
 * against the current row, so every admin power (admin routes, deleting others' polls,
 * hidden results, vote statistics) ends at once when the admin is disabled or demoted,
 * not at token expiry.
 */
async function callerFromJwt(c: Context<AppEnv>, token: string): Promise<Caller> {
  const claims = await verifyAccessToken(token, requireSigningKeys(c.get("config")).accessToken);
  const session = claims.sid ? { sessionId: claims.sid } : {};
  if (claims.role !== "admin") return { userId: claims.sub, role: "user", via: "jwt", ...session };
  const account = await currentAccount(c, claims.sub);
  if (!account || account.disabled) throw invalidCredentials("The account no longer exists or is disabled.");
  return { userId: claims.sub, role: account.role, via: "jwt", ...session };
}

/** What the middleware of an `authed` or `adminOnly` route adds to its handler's environment. */
export interface AuthedEnv {
  Variables: { caller: Caller };
}
/**
 * The context of such a route. Hono's Context is invariant in its environment, so a helper
 * that takes it from such a handler is typed with this, or generic (`<E extends AppEnv>`).
 */
export type AuthedContext = Context<AppEnv & AuthedEnv>;

/**
 * The type of a middleware that sets `caller` before it calls `next` (or throws): what it
 * hands on is an AuthedEnv, so handlers behind it read `c.var.caller` without a check.
 * The one place that claim is made; the auth-coverage test holds it on the wire.
 */
const settingCaller = (middleware: MiddlewareHandler<AppEnv>) =>
  middleware as unknown as MiddlewareHandler<AuthedEnv>;

/**
 * Requires a valid caller that meets the route's key requirement (key-scope.ts); sets
 * `c.var.caller`, which handlers of the route may rely on.
 */
export function requireAuth(requirement?: KeyRequirement): MiddlewareHandler<AuthedEnv> {
  return settingCaller(async function requireAuthMiddleware(c, next) {
    const caller = await authenticate(c);
    checkKeyRequirement(caller, requirement);
    c.set("caller", caller);
    await next();
  });
}

/** The account as the database has it now. */
async function currentAccount(c: Context<AppEnv>, userId: string) {
  const rows = await queryRows<{ role: "user" | "admin"; disabled: boolean }>(
    c.get("db"),
    sql`SELECT role, disabled_at IS NOT NULL AS disabled FROM users WHERE id = ${userId}`,
  );
  return rows[0];
}

/**
 * Requires an admin caller; authentication already confirmed an admin role against the
 * database. Admin powers are never granted to an API key, so a key is refused here.
 */
export function requireAdmin(): MiddlewareHandler<AuthedEnv> {
  return settingCaller(async function requireAdminMiddleware(c, next) {
    const caller = await authenticate(c);
    if (caller.via === "api_key") {
      throw new ApiError("forbidden", {
        detail: "Administration needs a login session; API keys never carry admin powers.",
      });
    }
    if (caller.role !== "admin") {
      throw new ApiError("forbidden", { detail: "This endpoint is for administrators." });
    }
    c.set("caller", caller);
    await next();
  });
}

/**
 * Resolves the caller when an Authorization header is sent (and rejects a bad one); anonymous
 * otherwise. With `webSocketProtocol`, an upgrade may carry an access token (never an API key)
 * as the subprotocol `bearer.<jwt>` instead, since browsers cannot set headers on a WebSocket.
 */
export function optionalAuth(
  options: { webSocketProtocol?: boolean; requirement?: KeyRequirement } = {},
): MiddlewareHandler<AppEnv> {
  return async function optionalAuthMiddleware(c, next) {
    if (c.req.header("Authorization")) {
      const caller = await authenticate(c);
      checkKeyRequirement(caller, options.requirement);
      c.set("caller", caller);
    } else if (options.webSocketProtocol) {
      const token = bearerFromWebSocketProtocols(c.req.header("Sec-WebSocket-Protocol"));
      if (token) c.set("caller", await callerFromJwt(c, token));
    }
    await next();
  };
}
