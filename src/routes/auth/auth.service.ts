import { and, asc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { hashPassword } from "../../auth/passwords.ts";
import { issueAccessToken, newApiKey, newRefreshToken, type Role } from "../../auth/tokens.ts";
import { type AppConfig, requireSigningKeys } from "../../config.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { apiKeys, users } from "../../db/schema.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { toIsoString } from "../../lib/time.ts";

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  disabledAt: Date | null;
  createdAt: Date;
}

export function userDto(user: UserRecord) {
  return {
    id: user.id,
    email: user.email,
    display_name: user.displayName,
    role: user.role,
    disabled: user.disabledAt !== null,
    created_at: toIsoString(user.createdAt),
  };
}

/** Raw rows (from CTEs) use column names; this maps them onto the record shape. */
function userFromRow(row: Record<string, unknown>): UserRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    displayName: String(row.display_name),
    role: row.role === "admin" ? "admin" : "user",
    disabledAt: row.disabled_at ? new Date(row.disabled_at as string) : null,
    createdAt: new Date(row.created_at as string),
  };
}

const userColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  role: users.role,
  disabledAt: users.disabledAt,
  createdAt: users.createdAt,
};

export interface Session {
  access_token: string;
  refresh_token: string;
}

async function accessTokenFor(user: UserRecord, config: AppConfig, key: string) {
  return issueAccessToken({ sub: user.id, role: user.role }, key, config.accessTokenTtlSeconds);
}

export function tokenResponse(user: UserRecord, session: Session, config: AppConfig) {
  return {
    token_type: "Bearer" as const,
    access_token: session.access_token,
    expires_in: config.accessTokenTtlSeconds,
    refresh_token: session.refresh_token,
    refresh_expires_in: config.refreshTokenTtlSeconds,
    user: userDto(user),
  };
}

const refreshExpiry = (config: AppConfig) => new Date(Date.now() + config.refreshTokenTtlSeconds * 1000);

/**
 * Creates the account and its first refresh token in one statement (one round trip,
 * atomic). Returns undefined when the email is taken.
 */
export async function registerUser(
  db: Database,
  config: AppConfig,
  input: { email: string; password: string; displayName: string },
): Promise<{ user: UserRecord; session: Session } | undefined> {
  // Resolved before any write: without a key, nothing is stored and no token is spent.
  const key = requireSigningKeys(config).accessToken;
  const role: Role = config.adminEmails.has(input.email) ? "admin" : "user";
  const [passwordHash, refresh] = await Promise.all([hashPassword(input.password), newRefreshToken()]);
  const result = await queryRows(
    db,
    sql`
    WITH created AS (
      INSERT INTO users (id, email, password_hash, display_name, role)
      VALUES (${uuidv7()}, ${input.email}, ${passwordHash}, ${input.displayName}, ${role})
      ON CONFLICT (email) DO NOTHING
      RETURNING id, email, display_name, role, disabled_at, created_at
    ), session AS (
      INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
      SELECT ${uuidv7()}, id, ${uuidv7()}, ${refresh.hash}, ${refreshExpiry(config).toISOString()} FROM created
      RETURNING id
    )
    SELECT created.* FROM created, session`,
  );
  const row = result[0];
  if (!row) return undefined;
  const user = userFromRow(row);
  return {
    user,
    session: { access_token: await accessTokenFor(user, config, key), refresh_token: refresh.secret },
  };
}

export async function findUserForLogin(db: Database, email: string) {
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  return row as (UserRecord & { passwordHash: string }) | undefined;
}

export async function startSession(db: Database, config: AppConfig, user: UserRecord): Promise<Session> {
  // Resolved before any write: without a key, nothing is stored and no token is spent.
  const key = requireSigningKeys(config).accessToken;
  const refresh = await newRefreshToken();
  await queryRows(
    db,
    sql`
    INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at)
    VALUES (${uuidv7()}, ${user.id}, ${uuidv7()}, ${refresh.hash}, ${refreshExpiry(config).toISOString()})`,
  );
  return { access_token: await accessTokenFor(user, config, key), refresh_token: refresh.secret };
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
  config: AppConfig,
  tokenHash: string,
): Promise<RefreshOutcome> {
  // Resolved before any write: without a key, nothing is stored and no token is spent.
  const key = requireSigningKeys(config).accessToken;
  const next = await newRefreshToken();
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
      SELECT ${uuidv7()}, id, family_id, ${next.hash}, ${refreshExpiry(config).toISOString()}
      FROM owner WHERE disabled_at IS NULL
      RETURNING id
    )
    SELECT owner.*, (SELECT count(*) FROM fresh)::int AS issued FROM owner`,
  );
  const row = rotated[0];
  if (row) {
    const user = userFromRow(row);
    if (row.issued !== 1) return { kind: "disabled", userId: user.id };
    return {
      kind: "rotated",
      user,
      session: { access_token: await accessTokenFor(user, config, key), refresh_token: next.secret },
    };
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
    )
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

/** Revokes the session (token family) the refresh token belongs to. */
export async function revokeSession(db: Database, tokenHash: string): Promise<string | undefined> {
  const result = await queryRows<{ user_id: string }>(
    db,
    sql`
    UPDATE refresh_tokens SET revoked_at = now()
    WHERE family_id = (SELECT family_id FROM refresh_tokens WHERE token_hash = ${tokenHash})
      AND revoked_at IS NULL
    RETURNING user_id`,
  );
  return result[0]?.user_id;
}

export async function findUser(db: Database, id: string): Promise<UserRecord | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id)).limit(1);
  return row as UserRecord | undefined;
}

const apiKeyColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

type ApiKeyRecord = {
  [K in keyof typeof apiKeyColumns]: K extends "expiresAt" | "lastUsedAt"
    ? Date | null
    : K extends "createdAt"
      ? Date
      : string;
};

export function apiKeyDto(key: ApiKeyRecord) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    created_at: toIsoString(key.createdAt),
    expires_at: key.expiresAt ? toIsoString(key.expiresAt) : null,
    last_used_at: key.lastUsedAt ? toIsoString(key.lastUsedAt) : null,
  };
}

/**
 * Inserts the key only while the owner is enabled, in the same statement: a disabled
 * user's still-valid access token cannot plant a key that would work after re-enabling.
 * Returns undefined when the account is disabled (or gone).
 */
export async function createApiKey(db: Database, userId: string, name: string, expiresAt: Date | null) {
  const key = await newApiKey();
  const rows = await queryRows(
    db,
    sql`
    INSERT INTO api_keys (id, user_id, name, prefix, key_hash, expires_at)
    SELECT ${uuidv7()}, u.id, ${name}, ${key.prefix}, ${key.hash}, ${expiresAt?.toISOString() ?? null}::timestamptz
    FROM users u WHERE u.id = ${userId} AND u.disabled_at IS NULL
    RETURNING id, name, prefix, created_at, expires_at, last_used_at`,
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    ...apiKeyDto({
      id: String(row.id),
      name: String(row.name),
      prefix: String(row.prefix),
      createdAt: new Date(row.created_at as string),
      expiresAt: row.expires_at ? new Date(row.expires_at as string) : null,
      lastUsedAt: row.last_used_at ? new Date(row.last_used_at as string) : null,
    }),
    key: key.secret,
  };
}

export async function listApiKeys(db: Database, userId: string) {
  const rows = await db
    .select(apiKeyColumns)
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.userId, userId),
        isNull(apiKeys.revokedAt),
        // An expired key no longer authenticates, so it is not listed as active.
        or(isNull(apiKeys.expiresAt), gt(apiKeys.expiresAt, sql`now()`)),
      ),
    )
    .orderBy(asc(apiKeys.createdAt), asc(apiKeys.id));
  return rows.map((row) => apiKeyDto(row as ApiKeyRecord));
}

export async function revokeApiKey(db: Database, userId: string, keyId: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length === 1;
}

export async function listUsers(db: Database, limit: number, after: string | undefined) {
  const rows = await db
    .select(userColumns)
    .from(users)
    .where(after ? gt(users.id, after) : undefined)
    .orderBy(asc(users.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit) as UserRecord[];
  return { items: page.map(userDto), next_cursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null };
}

/**
 * Disabling also revokes the user's refresh tokens and API keys in the same statement,
 * so they stop at once even before the disabled check; access tokens lapse at expiry.
 */
export async function setUserDisabled(
  db: Database,
  id: string,
  disabled: boolean,
): Promise<UserRecord | undefined> {
  const result = await queryRows(
    db,
    sql`
    WITH target AS (
      UPDATE users SET disabled_at = ${disabled ? sql`coalesce(disabled_at, now())` : sql`NULL`}, updated_at = now()
      WHERE id = ${id}
      RETURNING id, email, display_name, role, disabled_at, created_at
    ), tokens AS (
      UPDATE refresh_tokens SET revoked_at = now()
      WHERE ${disabled} AND user_id = (SELECT id FROM target) AND revoked_at IS NULL RETURNING id
    ), keys AS (
      UPDATE api_keys SET revoked_at = now()
      WHERE ${disabled} AND user_id = (SELECT id FROM target) AND revoked_at IS NULL RETURNING id
    )
    SELECT target.*, (SELECT count(*) FROM tokens) AS tokens, (SELECT count(*) FROM keys) AS keys FROM target`,
  );
  const row = result[0];
  return row ? userFromRow(row) : undefined;
}
