import { createRoute, z } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  jsonBody,
  jsonContent,
  notFoundResponse,
  problemResponseSpec,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { responseHeaders } from "../../lib/openapi-headers.ts";
import { cursorQuery, IdParamSchema, limitQuery } from "../../lib/schemas.ts";
import { adminOnly, authed, publicAccess } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import { loginLimits, refreshLimits, registerLimits } from "./auth.limits.ts";
import {
  ApiKeyListSchema,
  ApiKeySchema,
  CreateApiKeyBodySchema,
  CreatedApiKeySchema,
  LoginBodySchema,
  RefreshBodySchema,
  RegisterBodySchema,
  TokenResponseSchema,
  UserListSchema,
  UserSchema,
} from "./auth.schemas.ts";

const forbidden = { 403: problemResponseSpec("Authenticated, but not allowed.") };
const rateLimited = { 429: problemResponseSpec("Too many attempts; see `Retry-After`.") };
/** Every auth response is `no-store` (see no-store.ts), so each route says so. */
const uncachedPublic = routeOptions({ access: publicAccess, cache: "no-store" });
/** Any valid key may read its account's profile and key list; only a session mints keys. */
const uncachedAnyKey = routeOptions({ access: authed, scope: "any", cache: "no-store" });
const uncachedSessionOnly = routeOptions({ access: authed, scope: "session", cache: "no-store" });
const uncachedAdmin = routeOptions({ access: adminOnly, cache: "no-store" });

export const registerRoute = createRoute({
  operationId: "register",
  method: "post",
  path: "/auth/register",
  ...routeOptions({ access: publicAccess, cache: "no-store", limits: registerLimits }),
  tags: ["Auth"],
  summary: "Create an account and start a session",
  request: { body: jsonBody(RegisterBodySchema) },
  responses: {
    201: {
      description: "Account created; tokens issued. `Location` is the new account's profile.",
      headers: responseHeaders.location,
      content: jsonContent(TokenResponseSchema),
    },
    409: problemResponseSpec("The email is already registered."),
    ...rateLimited,
    ...databaseErrorResponses,
  },
});

export const loginRoute = createRoute({
  operationId: "login",
  method: "post",
  path: "/auth/login",
  ...routeOptions({ access: publicAccess, cache: "no-store", limits: loginLimits }),
  tags: ["Auth"],
  summary: "Exchange email and password for tokens",
  request: { body: jsonBody(LoginBodySchema) },
  responses: {
    200: { description: "Tokens issued.", content: jsonContent(TokenResponseSchema) },
    ...unauthorizedResponse,
    403: problemResponseSpec("The account is disabled."),
    ...rateLimited,
    ...databaseErrorResponses,
  },
});

export const refreshRoute = createRoute({
  operationId: "refreshSession",
  method: "post",
  path: "/auth/refresh",
  ...routeOptions({ access: publicAccess, cache: "no-store", limits: refreshLimits }),
  tags: ["Auth"],
  summary: "Rotate a refresh token (single use; reuse revokes the session)",
  request: { body: jsonBody(RefreshBodySchema) },
  responses: {
    200: {
      description: "New tokens; the presented refresh token is now spent.",
      content: jsonContent(TokenResponseSchema),
    },
    ...unauthorizedResponse,
    ...rateLimited,
    ...databaseErrorResponses,
  },
});

export const logoutRoute = createRoute({
  operationId: "logout",
  method: "post",
  path: "/auth/logout",
  ...uncachedPublic,
  tags: ["Auth"],
  summary: "Revoke the session a refresh token belongs to",
  request: { body: jsonBody(RefreshBodySchema) },
  responses: {
    204: { description: "Revoked (also answered for unknown tokens)." },
    ...databaseErrorResponses,
  },
});

export const meRoute = createRoute({
  operationId: "getMe",
  method: "get",
  path: "/me",
  tags: ["Auth"],
  summary: "The caller's profile and role",
  ...uncachedAnyKey,
  responses: {
    200: { description: "The caller.", content: jsonContent(UserSchema) },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

export const createApiKeyRoute = createRoute({
  operationId: "createApiKey",
  method: "post",
  path: "/auth/api-keys",
  tags: ["API keys"],
  summary: "Create a personal API key (needs a login session, not another key)",
  ...uncachedSessionOnly,
  request: { body: jsonBody(CreateApiKeyBodySchema) },
  responses: {
    201: {
      description: "The key, shown this once. `Location` answers the key's metadata.",
      headers: responseHeaders.location,
      content: jsonContent(CreatedApiKeySchema),
    },
    ...unauthorizedResponse,
    ...forbidden,
    ...databaseErrorResponses,
  },
});

export const listApiKeysRoute = createRoute({
  operationId: "listApiKeys",
  method: "get",
  path: "/auth/api-keys",
  tags: ["API keys"],
  summary: "List the caller's active API keys",
  ...uncachedAnyKey,
  responses: {
    200: {
      description: "Active keys (never the keys themselves).",
      content: jsonContent(ApiKeyListSchema),
    },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

/** Where `POST /auth/api-keys` points its `Location`: the new key's metadata (never the key). */
export const getApiKeyRoute = createRoute({
  operationId: "getApiKey",
  method: "get",
  path: "/auth/api-keys/{id}",
  tags: ["API keys"],
  summary: "One of the caller's active API keys",
  ...uncachedAnyKey,
  request: { params: IdParamSchema },
  responses: {
    200: { description: "The key's metadata (never the key itself).", content: jsonContent(ApiKeySchema) },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const revokeApiKeyRoute = createRoute({
  operationId: "revokeApiKey",
  method: "delete",
  path: "/auth/api-keys/{id}",
  tags: ["API keys"],
  summary: "Revoke one of the caller's API keys",
  ...uncachedAnyKey,
  request: { params: IdParamSchema },
  responses: {
    204: { description: "Revoked." },
    ...unauthorizedResponse,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const rotateApiKeyRoute = createRoute({
  operationId: "rotateApiKey",
  method: "post",
  path: "/auth/api-keys/{id}/rotate",
  tags: ["API keys"],
  summary: "Give a key a new secret (same id, name and scopes); the old one works 10 more minutes",
  ...uncachedSessionOnly,
  request: { params: IdParamSchema },
  responses: {
    200: {
      description: "The key with its new secret, shown this once.",
      content: jsonContent(CreatedApiKeySchema),
    },
    ...unauthorizedResponse,
    ...forbidden,
    ...notFoundResponse,
    ...databaseErrorResponses,
  },
});

export const listUsersRoute = createRoute({
  operationId: "listUsers",
  method: "get",
  path: "/admin/users",
  tags: ["Admin"],
  summary: "List users (admin)",
  ...uncachedAdmin,
  request: {
    query: z.object({
      limit: limitQuery({ fallback: 50 }),
      cursor: cursorQuery(),
    }),
  },
  responses: {
    200: {
      description: "A page of users, ordered by id.",
      content: jsonContent(UserListSchema),
    },
    ...unauthorizedResponse,
    ...forbidden,
    ...databaseErrorResponses,
  },
});

const adminUserAction = (action: "disable" | "enable", summary: string) =>
  createRoute({
    operationId: `${action}User`,
    method: "post",
    path: `/admin/users/{id}/${action}`,
    tags: ["Admin"],
    summary,
    ...uncachedAdmin,
    request: { params: IdParamSchema },
    responses: {
      200: { description: "The user after the change.", content: jsonContent(UserSchema) },
      ...unauthorizedResponse,
      ...forbidden,
      ...notFoundResponse,
      ...(action === "disable" ? conflictResponse("An administrator cannot disable their own account.") : {}),
      ...databaseErrorResponses,
    },
  });

export const disableUserRoute = adminUserAction(
  "disable",
  "Disable a user (admin): refresh tokens and API keys stop at once, access tokens at expiry",
);
export const enableUserRoute = adminUserAction(
  "enable",
  "Re-enable a user (admin); revoked credentials stay revoked",
);

export type RegisterRoute = typeof registerRoute;
export type LoginRoute = typeof loginRoute;
export type RefreshRoute = typeof refreshRoute;
export type LogoutRoute = typeof logoutRoute;
export type MeRoute = typeof meRoute;
export type CreateApiKeyRoute = typeof createApiKeyRoute;
export type ListApiKeysRoute = typeof listApiKeysRoute;
export type GetApiKeyRoute = typeof getApiKeyRoute;
export type RevokeApiKeyRoute = typeof revokeApiKeyRoute;
export type RotateApiKeyRoute = typeof rotateApiKeyRoute;
export type ListUsersRoute = typeof listUsersRoute;
export type AdminUserActionRoute = typeof disableUserRoute;
