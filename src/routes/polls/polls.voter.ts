import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { requireSigningKeys } from "../../config.ts";
import type { AppEnv } from "../../env.ts";
import { base64url, constantTimeEqual, fromBase64url, hmacSha256, randomBytes } from "../../lib/crypto.ts";

export const VOTER_COOKIE = "dh_voter";
const ONE_YEAR = 365 * 24 * 3600;
/** Where the cookie lived before it covered the pages; see issueVoterCookie. */
const LEGACY_VOTER_COOKIE_PATH = "/polls";

export type VoterCookie = { state: "valid"; id: string } | { state: "missing" } | { state: "tampered" };

const signature = async <E extends AppEnv>(c: Context<E>, id: string) =>
  base64url(await hmacSha256(requireSigningKeys(c.var.config).voterCookie, id));

/** Reads the browser's signed anonymous-voter cookie; an unverifiable one is "tampered". */
export async function readVoterCookie<E extends AppEnv>(c: Context<E>): Promise<VoterCookie> {
  const cookie = getCookie(c, VOTER_COOKIE);
  if (!cookie) return { state: "missing" };
  const [id, mac, extra] = cookie.split(".");
  if (!id || !mac || extra !== undefined || !/^[A-Za-z0-9_-]{22}$/.test(id)) return { state: "tampered" };
  try {
    const ok = constantTimeEqual(fromBase64url(mac), fromBase64url(await signature(c, id)));
    return ok ? { state: "valid", id } : { state: "tampered" };
  } catch {
    return { state: "tampered" };
  }
}

export function newVoterId(): string {
  return base64url(randomBytes(16));
}

/**
 * Sets `dh_voter=<id>.<hmac>`: HttpOnly, Secure, SameSite=Lax, one year, for the whole site so
 * the poll pages (/p/…) see it too: a page rendered without script can then say "you have
 * voted". A cookie issued under the former `Path=/polls` is removed at the same time, or the
 * browser would send both to /polls and the stale one first.
 */
export async function issueVoterCookie(c: Context<AppEnv>, id: string): Promise<void> {
  setCookie(c, VOTER_COOKIE, `${id}.${await signature(c, id)}`, {
    httpOnly: true,
    secure: true,
    sameSite: "Lax",
    path: "/",
    maxAge: ONE_YEAR,
  });
  // After the new one, so a client that keeps the first Set-Cookie it reads keeps the live one.
  deleteCookie(c, VOTER_COOKIE, { path: LEGACY_VOTER_COOKIE_PATH, secure: true });
}

/** A keyed hash of the client address key (IPv6: its /64), different per poll: never stored or linkable. */
export async function clientAddressHash(c: Context<AppEnv>, pollId: string, ip: string): Promise<string> {
  return base64url(await hmacSha256(requireSigningKeys(c.var.config).addressHash, `${pollId}:${ip}`));
}

/** Every key under which the caller might have voted: account and/or browser. */
export function callerVoterKeys(userId: string | undefined, cookie: VoterCookie): string[] {
  const keys: string[] = [];
  if (userId) keys.push(`user:${userId}`);
  if (cookie.state === "valid") keys.push(`cookie:${cookie.id}`);
  return keys;
}
