/**
 * Invitation tokens of invite-only polls: `dhi_` and 32 random bytes (base64url). Only their
 * SHA-256 is stored; the prefix lets the log redaction (src/lib/redact.ts) recognise them.
 */
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { base64url, randomBytes, sha256 } from "../../lib/crypto.ts";

/** The request header that carries an invitation on the JSON API. */
export const INVITE_HEADER = "Poll-Invite";
const TOKEN = /^dhi_[A-Za-z0-9_-]{43}$/;

/**
 * The header as routes declare it. Only bounded here: a value that is no invitation is
 * refused by the ballot itself (`invite-required`), as an unknown one is.
 */
export const InviteHeaderSchema = z.object({
  "poll-invite": z
    .string()
    .max(100)
    .optional()
    .openapi({ description: "Invite-only polls: the invitation token (`POST /polls/{id}/invites`)." }),
});

export function newInviteToken(): string {
  return `dhi_${base64url(randomBytes(32))}`;
}

/** What the database keeps and looks the token up by. */
export const inviteTokenHash = (token: string) => sha256(token);

/**
 * The hash of the invitation the request carries, or null. A value that is not token-shaped
 * is no invitation (it could not match any), so it is not hashed.
 */
export async function requestInviteHash<E extends AppEnv>(c: Context<E>): Promise<string | null> {
  const token = c.req.header(INVITE_HEADER)?.trim();
  return token && TOKEN.test(token) ? inviteTokenHash(token) : null;
}
