import { and, asc, eq, gt, isNull, or, sql } from "drizzle-orm";
import { newApiKey } from "../../auth/tokens.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { apiKeys } from "../../db/schema.ts";
import { recordEvent } from "../../events/record-event.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { toIsoString } from "../../lib/time.ts";
import type { ApiKey, CreatedApiKey } from "./auth.schemas.ts";

const apiKeyColumns = {
  id: apiKeys.id,
  name: apiKeys.name,
  prefix: apiKeys.prefix,
  createdAt: apiKeys.createdAt,
  expiresAt: apiKeys.expiresAt,
  lastUsedAt: apiKeys.lastUsedAt,
};

type ApiKeyRecord = Pick<typeof apiKeys.$inferSelect, keyof typeof apiKeyColumns>;

export function apiKeyDto(key: ApiKeyRecord): ApiKey {
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
export async function createApiKey(
  db: Database,
  userId: string,
  name: string,
  expiresAt: Date | null,
): Promise<CreatedApiKey | undefined> {
  const key = await newApiKey();
  const row = await db.transaction(async (tx) => {
    const [created] = await queryRows(
      tx,
      sql`
      INSERT INTO api_keys (id, user_id, name, prefix, key_hash, expires_at)
      SELECT ${uuidv7()}, u.id, ${name}, ${key.prefix}, ${key.hash}, ${expiresAt?.toISOString() ?? null}::timestamptz
      FROM users u WHERE u.id = ${userId} AND u.disabled_at IS NULL
      RETURNING id, name, prefix, created_at, expires_at, last_used_at`,
    );
    if (created) {
      const id = String(created.id);
      // Never the key: its id, name and the prefix the owner already sees in the list.
      await recordEvent(tx, {
        accountId: userId,
        type: "api_key.created",
        resourceId: id,
        payload: { id, name, prefix: key.prefix },
      });
    }
    return created;
  });
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
  return rows.map(apiKeyDto);
}

export async function revokeApiKey(db: Database, userId: string, keyId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(apiKeys)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id });
    if (rows.length !== 1) return false;
    await recordEvent(tx, {
      accountId: userId,
      type: "api_key.revoked",
      resourceId: keyId,
      payload: { id: keyId },
    });
    return true;
  });
}
