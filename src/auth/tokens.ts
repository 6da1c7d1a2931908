import { sign, verify } from "hono/jwt";
import { JwtTokenExpired } from "hono/utils/jwt/types";
import { base64url, randomBytes, sha256 } from "../lib/crypto.ts";
import { UUID_PATTERN } from "../lib/ids.ts";
import { ApiError } from "../lib/problem.ts";

export const TOKEN_ISSUER = "devhub-api";
export const TOKEN_AUDIENCE = "devhub-api";
export const API_KEY_PREFIX = "dh_";
export const REFRESH_TOKEN_PREFIX = "dhr_";
/** How much of a key is kept in clear to tell keys apart in listings. */
const API_KEY_DISPLAY_CHARS = 10;

export type Role = "user" | "admin";

export interface AccessClaims {
  sub: string;
  role: Role;
  /** The session (refresh-token family) the token was issued in: audit events name it. */
  sid?: string;
}

export async function issueAccessToken(
  claims: AccessClaims,
  secret: string,
  ttlSeconds: number,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    { ...claims, iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, iat: now, nbf: now, exp: now + ttlSeconds },
    secret,
    "HS256",
  );
}

/** RFC 6750 §3: the challenge names an error only when a token was sent and refused. */
function bearerChallenge(error?: "invalid_token"): Record<string, string> {
  return { "WWW-Authenticate": `Bearer realm="${TOKEN_ISSUER}"${error ? `, error="${error}"` : ""}` };
}

/** 401 for a request that needs a bearer credential and sent none. */
export function bearerRequired(detail: string): ApiError {
  return new ApiError("unauthorized", { detail, headers: bearerChallenge() });
}

/** 401 for a credential that was sent but is invalid, expired or revoked. */
function unauthorized(detail: string): ApiError {
  return new ApiError("unauthorized", { detail, headers: bearerChallenge("invalid_token") });
}

/**
 * Verifies an access token, pinning the algorithm (so `alg: none` or RS/HS confusion
 * fails), the issuer and the audience. Every failure is a 401, never a 500.
 */
export async function verifyAccessToken(token: string, secret: string): Promise<AccessClaims> {
  let payload: Record<string, unknown>;
  try {
    payload = await verify(token, secret, { alg: "HS256", iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE });
  } catch (error) {
    throw unauthorized(
      error instanceof JwtTokenExpired ? "The access token has expired." : "The access token is invalid.",
    );
  }
  const { sub, role, exp, sid } = payload;
  // A token without `exp` would never lapse, and `sub` must be a user id the database can
  // look up: anything else is a forgery or a foreign token, answered 401 like any other.
  if (
    typeof exp !== "number" ||
    typeof sub !== "string" ||
    !UUID_PATTERN.test(sub) ||
    (role !== "user" && role !== "admin") ||
    (sid !== undefined && (typeof sid !== "string" || !UUID_PATTERN.test(sid)))
  ) {
    throw unauthorized("The access token is invalid.");
  }
  return { sub, role, ...(sid ? { sid } : {}) };
}

export interface IssuedSecret {
  /** Shown to the user exactly once. */
  secret: string;
  /** What the database keeps. */
  hash: string;
}

export async function newRefreshToken(): Promise<IssuedSecret> {
  const secret = `${REFRESH_TOKEN_PREFIX}${base64url(randomBytes(32))}`;
  return { secret, hash: await sha256(secret) };
}

export async function newApiKey(): Promise<IssuedSecret & { prefix: string }> {
  const secret = `${API_KEY_PREFIX}${base64url(randomBytes(32))}`;
  return { secret, hash: await sha256(secret), prefix: secret.slice(0, API_KEY_DISPLAY_CHARS) };
}

export { unauthorized as invalidCredentials };

const BEARER_PROTOCOL = /^bearer\.([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Browsers cannot set `Authorization` on a WebSocket, so an access token may ride as the
 * subprotocol `bearer.<jwt>` in `Sec-WebSocket-Protocol` (the server never echoes it back).
 */
export function bearerFromWebSocketProtocols(header: string | undefined): string | undefined {
  for (const protocol of (header ?? "").split(",")) {
    const match = BEARER_PROTOCOL.exec(protocol.trim());
    if (match) return match[1];
  }
  return undefined;
}
