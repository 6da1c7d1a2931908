import { type SQL, sql } from "drizzle-orm";
import { insertAuditEvent } from "../../audit/audit-event.ts";
import { hashPassword } from "../../auth/passwords.ts";
import { issueAccessToken, newRefreshToken } from "../../auth/tokens.ts";
import { type AppConfig, requireSigningKeys } from "../../config.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { TokenResponse } from "./auth.schemas.ts";
import { type UserRecord, userDto, userFromRow } from "./auth.service.ts";

/** The two secrets of a session, as the token response carries them. */
export type Session = Pick<TokenResponse, "access_token" | "refresh_token">;

/** A refresh token ready to be stored (its hash and expiry) and the session it opens once its row is in. */
export interface PendingSession {
  hash: string;
  expiresAt: string;
  /** The family a new login starts; a rotation stays in its own and names it to `open`. */
  familyId: string;
  open(user: UserRecord, familyId?: string): Promise<Session>;
}

/**
 * Prepares sessions with the configured lifetimes and the JWT secret. Register, login and
 * refresh each store the refresh token in their own single statement; this is everything
 * else they have in common.
 */
export function sessionIssuer(config: AppConfig) {
  return async function prepareSession(): Promise<PendingSession> {
    // Resolved before any write: without a signing key nothing is stored and no token is spent.
    const key = requireSigningKeys(config).accessToken;
    const refresh = await newRefreshToken();
    const newFamily = uuidv7();
    return {
      hash: refresh.hash,
      expiresAt: new Date(Date.now() + config.refreshTokenTtlSeconds * 1000).toISOString(),
      familyId: newFamily,
      open: async (user, familyId = newFamily) => ({
        access_token: await issueAccessToken(
          { sub: user.id, role: user.role, sid: familyId },
          key,
          config.accessTokenTtlSeconds,
        ),
        refresh_token: refresh.secret,
      }),
    };
  };
}

export type SessionIssuer = ReturnType<typeof sessionIssuer>;

export function tokenResponse(user: UserRecord, session: Session, config: AppConfig): TokenResponse {
  return {
    token_type: "Bearer",
    access_token: session.access_token,
    expires_in: config.accessTokenTtlSeconds,
    refresh_token: session.refresh_token,
    refresh_expires_in: config.refreshTokenTtlSeconds,
    user: userDto(user),
  };
}

/**
 * Creates the account and its first refresh token in one statement (one round trip,
 * atomic). Returns undefined when the email is taken. Every account starts as a `user`:
 * an address proves nothing about who typed it, so the admin role comes only from an
 * operator with database access (`npm run admin:promote`).
 */
export async function registerUser(
  db: Database,
  prepareSession: SessionIssuer,
  input: { email: string; password: string; displayName: string },
): Promise<{ user: UserRecord; session: Session } | undefined> {
  const [passwordHash, pending] = await Promise.all([hashPassword(input.password), prepareSession()]);
  const result = await queryRows(
    db,
    sql`
    WITH created AS (
      INSERT INTO users (id, email, password_hash, display_name, role)
      VALUES (${uuidv7()}, ${input.email}, ${passwordHash}, ${input.displayName}, 'user')
      ON CONFLICT (email) DO NOTHING
      RETURNING id, email, display_name, role, disabled_at, created_at
    ), session AS (
      INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
      SELECT ${uuidv7()}, id, ${pending.familyId}, ${pending.hash}, ${pending.expiresAt} FROM created
      RETURNING id
    )
    SELECT created.* FROM created, session`,
  );
  const row = result[0];
  if (!row) return undefined;
  const user = userFromRow(row);
  return { user, session: await pending.open(user) };
}

/** Starts a session and records the login (naming the new session) in the same statement. */
export async function startSession(
  db: Database,
  prepareSession: SessionIssuer,
  user: UserRecord,
  ip: string,
) {
  const pending = await prepareSession();
  const login = {
    type: "login.succeeded",
    credential: "session",
    credentialId: pending.familyId,
    ip,
  } as const;
  await queryRows(
    db,
    sql`
    WITH session AS (
      INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
      VALUES (${uuidv7()}, ${user.id}, ${pending.familyId}, ${pending.hash}, ${pending.expiresAt})
      RETURNING user_id
    ), audit AS (${insertAuditEvent(login, sql`session.user_id`, sql`session`)})
    SELECT 1`,
  );
  return pending.open(user);
}

export type RefreshOutcome =
  | { kind: "rotated"; user: UserRecord; session: Session }
  | { kind: "disabled"; userId: string }
  | { kind: "reused"; userId: string; revoked: number }
  | { kind: "expired" | "revoked" | "unknown" };

/**
 * Rotates a refresh token. The exchange is a single conditional UPDATE, so of two
 * concurrent uses exactly one wins; any later presentation of a used token is reuse,
 * which revokes the whole family (the thief and the victim both have to log in again).
 */
export async function rotateRefreshToken(
  db: Database,
  prepareSession: SessionIssuer,
  tokenHash: string,
  ip: string,
): Promise<RefreshOutcome> {
  const next = await prepareSession();
  const rotated = await queryRows(
    db,
    sql`
    WITH used AS (
      UPDATE refresh_tokens SET used_at = now()
      WHERE token_hash = ${tokenHash} AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now()
      RETURNING user_id, family_id
    ), owner AS (
      SELECT u.id, u.email, u.display_name, u.role, u.disabled_at, u.created_at, used.family_id
      FROM users u JOIN used ON used.user_id = u.id
    ), fresh AS (
      INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
      SELECT ${uuidv7()}, id, family_id, ${next.hash}, ${next.expiresAt}
      FROM owner WHERE disabled_at IS NULL
      RETURNING id
    )
    SELECT owner.*, (SELECT count(*) FROM fresh)::int AS issued FROM owner`,
  );
  const row = rotated[0];
  if (row) {
    const user = userFromRow(row);
    if (row.issued !== 1) return { kind: "disabled", userId: user.id };
    return { kind: "rotated", user, session: await next.open(user, String(row.family_id)) };
  }
  const diagnosis = await queryRows<{
    user_id: string;
    used: boolean;
    revoked: boolean;
    revoked_count: number;
  }>(
    db,
    sql`
    WITH token AS (
      SELECT user_id, family_id, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked,
             expires_at <= now() AS expired
      FROM refresh_tokens WHERE token_hash = ${tokenHash}
    ), revoked AS (
      UPDATE refresh_tokens SET revoked_at = now()
      WHERE family_id = (SELECT family_id FROM token WHERE used) AND revoked_at IS NULL
      RETURNING id
    ), audit AS (${insertAuditEvent(
      { ...sessionRevoked(sql`token.family_id`, ip), details: { reason: "refresh_token_reuse" } },
      sql`token.user_id`,
      sql`token WHERE used`,
    )})
    SELECT token.*, (SELECT count(*) FROM revoked)::int AS revoked_count FROM token`,
  );
  const token = diagnosis[0];
  if (!token) return { kind: "unknown" };
  if (token.used) return { kind: "reused", userId: token.user_id, revoked: token.revoked_count };
  return { kind: token.revoked ? "revoked" : "expired" };
}

/** Whose refresh token this is (used or not), so the per-account limit can run before rotation. */
export async function refreshTokenOwner(db: Database, tokenHash: string): Promise<string | undefined> {
  const rows = await queryRows<{ user_id: string }>(
    db,
    sql`SELECT user_id FROM refresh_tokens WHERE token_hash = ${tokenHash}`,
  );
  return rows[0]?.user_id;
}

const sessionRevoked = (familyId: SQL, ip: string) =>
  ({ type: "session.revoked", credential: "session", credentialId: familyId, ip }) as const;

/** Revokes the session (token family) the refresh token belongs to, with its audit event. */
export async function revokeSession(
  db: Database,
  tokenHash: string,
  ip: string,
): Promise<string | undefined> {
  const result = await queryRows<{ user_id: string }>(
    db,
    sql`
    WITH revoked AS (
      UPDATE refresh_tokens SET revoked_at = now()
      WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ${tokenHash})
        AND revoked_at IS NULL
      RETURNING user_id, family_id
    ), audit AS (${insertAuditEvent(
      { ...sessionRevoked(sql`revoked.family_id`, ip), details: { reason: "logout" } },
      sql`revoked.user_id`,
      sql`revoked`,
    )})
    SELECT user_id FROM revoked`,
  );
  return result[0]?.user_id;
}
