import { sql } from "drizzle-orm";
import type { Context } from "hono";
import { credentialOf, insertAuditEvent } from "../../audit/audit-event.ts";
import { burnPasswordCheck, verifyPassword } from "../../auth/passwords.ts";
import { invalidCredentials } from "../../auth/tokens.ts";
import { requireSigningKeys } from "../../config.ts";
import { queryRows } from "../../db/client.ts";
import type { AppEnv } from "../../env.ts";
import { sha256 } from "../../lib/crypto.ts";
import { paginate } from "../../lib/pagination.ts";
import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import type { AuthedContext } from "../../middleware/auth.ts";
import { requireSession } from "../../middleware/key-scope.ts";
import * as apiKeys from "./auth.api-keys.service.ts";
import type * as routes from "./auth.routes.ts";
import * as accounts from "./auth.service.ts";
import * as sessions from "./auth.sessions.service.ts";

const LOGIN_FAILED = "Invalid email or password.";

/** Sessions are issued with this request's settings: token lifetimes and the JWT secret. */
const issuer = (c: Context<AppEnv>) => sessions.sessionIssuer(c.var.config);

export const register: AppRouteHandler<routes.RegisterRoute> = async (c) => {
  const { email, password, display_name } = c.req.valid("json");
  const created = await sessions.registerUser(c.var.db, issuer(c), {
    email,
    password,
    displayName: display_name,
  });
  if (!created) throw new ApiError("conflict", { detail: "An account with this email already exists." });
  c.var.log.info("security", "user.registered", { user_id: created.user.id, role: created.user.role });
  c.header("Location", "/me");
  return c.json(sessions.tokenResponse(created.user, created.session, c.var.config), 201);
};

export const login: AppRouteHandler<routes.LoginRoute> = async (c) => {
  const { email, password } = c.req.valid("json");
  const user = await accounts.findUserForLogin(c.var.db, email);
  // Unknown email and wrong password cost the same PBKDF2 work and get the same answer.
  let valid = false;
  if (user) valid = await verifyPassword(password, user.passwordHash);
  else await burnPasswordCheck(password);
  if (!user || !valid) {
    const reason = user ? "wrong_password" : "unknown_email";
    c.var.log.warn("security", "login.failed", { reason, ip: c.var.client.ip });
    await recordLoginFailure(c, user?.id ?? null, reason);
    throw invalidCredentials(LOGIN_FAILED);
  }
  if (user.disabledAt) {
    c.var.log.warn("security", "login.refused_disabled", { user_id: user.id });
    await recordLoginFailure(c, user.id, "disabled");
    throw new ApiError("forbidden", { detail: "This account is disabled." });
  }
  const session = await sessions.startSession(c.var.db, issuer(c), user, c.var.client.ip);
  c.var.log.info("security", "login.succeeded", { user_id: user.id, ip: c.var.client.ip });
  return c.json(sessions.tokenResponse(user, session, c.var.config), 200);
};

/** A failed login is its own change: the event is the one row written. */
async function recordLoginFailure(c: Context<AppEnv>, userId: string | null, reason: string) {
  const event = {
    type: "login.failed",
    credential: "none",
    credentialId: null,
    ip: c.var.client.ip,
  } as const;
  await queryRows(c.var.db, insertAuditEvent({ ...event, details: { reason } }, sql`${userId}::uuid`));
}

export const refresh: AppRouteHandler<routes.RefreshRoute> = async (c) => {
  const { refresh_token } = c.req.valid("json");
  const hash = await sha256(refresh_token);
  const outcome = await sessions.rotateRefreshToken(c.var.db, issuer(c), hash, c.var.client.ip);
  switch (outcome.kind) {
    case "rotated":
      return c.json(sessions.tokenResponse(outcome.user, outcome.session, c.var.config), 200);
    case "reused":
      c.var.log.warn("security", "refresh_token.reuse_detected", {
        user_id: outcome.userId,
        revoked_tokens: outcome.revoked,
        ip: c.var.client.ip,
      });
      throw invalidCredentials(
        "The refresh token was already used; the session has been revoked. Log in again.",
      );
    case "disabled":
      throw invalidCredentials("The account is disabled.");
    case "expired":
      throw invalidCredentials("The refresh token has expired. Log in again.");
    default:
      throw invalidCredentials("The refresh token is invalid or revoked.");
  }
};

export const logout: AppRouteHandler<routes.LogoutRoute> = async (c) => {
  const { refresh_token } = c.req.valid("json");
  const userId = await sessions.revokeSession(c.var.db, await sha256(refresh_token), c.var.client.ip);
  if (userId) c.var.log.info("security", "logout", { user_id: userId });
  return c.body(null, 204);
};

export const me: AppRouteHandler<routes.MeRoute> = async (c) => {
  const user = await accounts.findUser(c.var.db, c.var.caller.userId);
  if (!user || user.disabledAt) throw invalidCredentials("The account no longer exists or is disabled.");
  return c.json(accounts.userDto(user), 200);
};

/** Who acts in this request, and from where, as its audit event records it. */
const acting = (c: AuthedContext) => ({ ...credentialOf(c.var.caller), ip: c.var.client.ip });

export const createApiKey: AppRouteHandler<routes.CreateApiKeyRoute> = async (c) => {
  const caller = c.var.caller;
  const { name, scopes, expires_at } = c.req.valid("json");
  const key = await apiKeys.createApiKey(
    c.var.db,
    caller.userId,
    { name, scopes, expiresAt: expires_at ? new Date(expires_at) : null },
    acting(c),
  );
  if (!key) throw invalidCredentials("The account no longer exists or is disabled.");
  c.var.log.info("security", "api_key.created", { user_id: caller.userId, api_key_id: key.id });
  c.header("Location", `/auth/api-keys/${key.id}`);
  return c.json(key, 201);
};

export const listApiKeys: AppRouteHandler<routes.ListApiKeysRoute> = async (c) => {
  return c.json({ items: await apiKeys.listApiKeys(c.var.db, c.var.caller.userId) }, 200);
};

/** A user holds a handful of keys, so the active list (one indexed query) is filtered here. */
export const getApiKey: AppRouteHandler<routes.GetApiKeyRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const keys = await apiKeys.listApiKeys(c.var.db, c.var.caller.userId);
  const key = keys.find((candidate) => candidate.id === id);
  if (!key) throw new ApiError("not-found", { detail: `No active API key ${id}.` });
  return c.json(key, 200);
};

export const revokeApiKey: AppRouteHandler<routes.RevokeApiKeyRoute> = async (c) => {
  const { id } = c.req.valid("param");
  // An API key may revoke itself (a leaked key can be killed with itself), never a sibling.
  const caller = c.var.caller;
  if (caller.apiKeyId !== id) requireSession(caller);
  const revoked = await apiKeys.revokeApiKey(c.var.db, caller.userId, id, acting(c));
  if (!revoked) throw new ApiError("not-found", { detail: `No active API key ${id}.` });
  c.var.log.info("security", "api_key.revoked", { user_id: caller.userId, api_key_id: id });
  return c.body(null, 204);
};

export const rotateApiKey: AppRouteHandler<routes.RotateApiKeyRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const key = await apiKeys.rotateApiKey(c.var.db, c.var.caller.userId, id, acting(c));
  if (!key) throw new ApiError("not-found", { detail: `No active API key ${id}.` });
  c.var.log.info("security", "api_key.rotated", { user_id: c.var.caller.userId, api_key_id: id });
  return c.json(key, 200);
};

export const listUsers: AppRouteHandler<routes.ListUsersRoute> = async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const request = { secret: requireSigningKeys(c.var.config).cursor, scope: { kind: "users" }, cursor };
  const { page, next_cursor } = await paginate(c, request, (after?: accounts.UsersPosition) =>
    accounts.listUsers(c.var.db, limit, after),
  );
  return c.json({ items: page.items, next_cursor }, 200);
};

function adminSetDisabled(disabled: boolean): AppRouteHandler<routes.AdminUserActionRoute> {
  return async (c) => {
    const { id } = c.req.valid("param");
    const admin = c.var.caller;
    if (disabled && id === admin.userId) {
      throw new ApiError("conflict", {
        detail: "Administrators cannot disable their own account; ask another administrator.",
      });
    }
    const user = await accounts.setUserDisabled(c.var.db, id, disabled, {
      ...acting(c),
      actorId: admin.userId,
    });
    if (!user) throw new ApiError("not-found", { detail: `No user ${id}.` });
    const event = disabled ? "user.disabled" : "user.enabled";
    const fields = { user_id: id, admin_id: admin.userId };
    c.var.log.info("security", event, fields);
    c.var.log.info("admin", event, fields);
    return c.json(accounts.userDto(user), 200);
  };
}

export const disableUser = adminSetDisabled(true);
export const enableUser = adminSetDisabled(false);
