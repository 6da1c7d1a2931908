import { type SQL, sql } from "drizzle-orm";
import { type AuditEvent, insertAuditEvent } from "../../audit/audit-event.ts";
import type { ApiKeyScope } from "../../auth/scopes.ts";
import { newApiKey } from "../../auth/tokens.ts";
import { type Database, queryRows } from "../../db/client.ts";
import type { NewEvent } from "../../events/event-types.ts";
import { recordEvent } from "../../events/record-event.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { toIsoString } from "../../lib/time.ts";
import type { ApiKey, CreatedApiKey } from "./auth.schemas.ts";

/**
 * After a rotation the old secret keeps working this long, so a deployment can roll the new
 * one out without a gap; then only the new one does. A second rotation inside the window
 * ends the first old secret at once (only one previous secret is kept).
 */
export const ROTATION_OVERLAP = "10 minutes";

/** The key's columns as every answer shows them; `k` is api_keys. */
const KEY_FIELDS = sql`k.id, k.name, k.prefix, k.scopes, k.created_at, k.expires_at, k.last_used_at,
  k.last_used_ip, k.rotated_at`;
/** Requests in the current hour's bucket and the 23 before it (api_key_usage). */
const REQUESTS_LAST_DAY = sql`coalesce((SELECT sum(u.requests) FROM api_key_usage u
  WHERE u.key_id = k.id AND u.hour >= date_trunc('hour', now()) - interval '23 hours'), 0)::int`;

const iso = (value: unknown) => (value ? toIsoString(new Date(value as string)) : null);

function apiKeyFromRow(row: Record<string, unknown>): ApiKey {
  return {
    id: String(row.id),
    name: String(row.name),
    prefix: String(row.prefix),
    scopes: row.scopes as ApiKeyScope[],
    created_at: toIsoString(new Date(row.created_at as string)),
    expires_at: iso(row.expires_at),
    last_used_at: iso(row.last_used_at),
    last_used_ip:
      row.last_used_ip === null || row.last_used_ip === undefined ? null : String(row.last_used_ip),
    rotated_at: iso(row.rotated_at),
    requests_last_day: Number(row.requests_last_day ?? 0),
  };
}

/**
 * Runs `change` (a CTE named `k` yielding the key's row) with its audit event, and, where the
 * owner's change log lists it, its event (`outbox`, in the same transaction); answers the key.
 */
async function changeWithAudit(
  db: Database,
  change: SQL,
  event: AuditEvent,
  outbox?: (key: ApiKey) => NewEvent,
) {
  return db.transaction(async (tx) => {
    const rows = await queryRows(
      tx,
      sql`WITH k AS (${change}), audit AS (${insertAuditEvent(event, sql`k.user_id`, sql`k`)})
      SELECT ${KEY_FIELDS}, ${REQUESTS_LAST_DAY} AS requests_last_day FROM k`,
    );
    const key = rows[0] ? apiKeyFromRow(rows[0]) : undefined;
    if (key && outbox) await recordEvent(tx, outbox(key));
    return key;
  });
}

/**
 * Inserts the key only while the owner is enabled, in the same statement (with its audit
 * event): a disabled user's still-valid access token cannot plant a key that would work
 * after re-enabling. Returns undefined when the account is disabled (or gone).
 */
export async function createApiKey(
  db: Database,
  userId: string,
  input: { name: string; scopes: ApiKeyScope[]; expiresAt: Date | null },
  audit: Omit<AuditEvent, "type">,
): Promise<CreatedApiKey | undefined> {
  const key = await newApiKey();
  const id = uuidv7();
  const created = await changeWithAudit(
    db,
    sql`INSERT INTO api_keys (id, user_id, name, prefix, key_hash, expires_at, scopes)
    SELECT ${id}, u.id, ${input.name}, ${key.prefix}, ${key.hash},
           ${input.expiresAt?.toISOString() ?? null}::timestamptz, ${scopeArray(input.scopes)}
    FROM users u WHERE u.id = ${userId} AND u.disabled_at IS NULL
    RETURNING *`,
    { ...audit, type: "api_key.created", details: { api_key_id: id } },
    // Never the key: its id, name and the prefix the owner already sees in the list.
    (key) => ({
      accountId: userId,
      type: "api_key.created",
      resourceId: key.id,
      payload: { id: key.id, name: key.name, prefix: key.prefix },
    }),
  );
  return created && { ...created, key: key.secret };
}

/** `ARRAY[$1, $2]::text[]`, each scope once. */
function scopeArray(scopes: readonly ApiKeyScope[]): SQL {
  const unique = [...new Set(scopes)].map((scope) => sql`${scope}`);
  return sql`ARRAY[${sql.join(unique, sql`, `)}]::text[]`;
}

/**
 * A new secret for the same key (id, name, scopes, expiry kept); the old secret stays valid
 * for ROTATION_OVERLAP. Expired and revoked keys cannot be rotated back to life.
 */
export async function rotateApiKey(
  db: Database,
  userId: string,
  keyId: string,
  audit: Omit<AuditEvent, "type">,
): Promise<CreatedApiKey | undefined> {
  const key = await newApiKey();
  const rotated = await changeWithAudit(
    db,
    sql`UPDATE api_keys SET previous_key_hash = key_hash,
      previous_valid_until = now() + ${ROTATION_OVERLAP}::interval,
      key_hash = ${key.hash}, prefix = ${key.prefix}, rotated_at = now()
    WHERE id = ${keyId} AND user_id = ${userId} AND revoked_at IS NULL
      AND (expires_at IS NULL OR expires_at > now())
    RETURNING *`,
    { ...audit, type: "api_key.rotated", details: { api_key_id: keyId } },
  );
  return rotated && { ...rotated, key: key.secret };
}

export async function listApiKeys(db: Database, userId: string): Promise<ApiKey[]> {
  const rows = await queryRows(
    db,
    sql`SELECT ${KEY_FIELDS}, ${REQUESTS_LAST_DAY} AS requests_last_day FROM api_keys k
    WHERE k.user_id = ${userId} AND k.revoked_at IS NULL
      -- An expired key no longer authenticates, so it is not listed as active.
      AND (k.expires_at IS NULL OR k.expires_at > now())
    ORDER BY k.created_at, k.id`,
  );
  return rows.map(apiKeyFromRow);
}

export async function revokeApiKey(
  db: Database,
  userId: string,
  keyId: string,
  audit: Omit<AuditEvent, "type">,
): Promise<boolean> {
  const revoked = await changeWithAudit(
    db,
    sql`UPDATE api_keys SET revoked_at = now()
    WHERE id = ${keyId} AND user_id = ${userId} AND revoked_at IS NULL RETURNING *`,
    { ...audit, type: "api_key.revoked", details: { api_key_id: keyId } },
    () => ({ accountId: userId, type: "api_key.revoked", resourceId: keyId, payload: { id: keyId } }),
  );
  return revoked !== undefined;
}

/** The cron's share: hourly buckets older than the day `requests_last_day` counts. */
export async function purgeOldKeyUsage(db: Database): Promise<number> {
  const rows = await queryRows(
    db,
    sql`WITH gone AS (
      DELETE FROM api_key_usage WHERE hour < date_trunc('hour', now()) - interval '24 hours' RETURNING 1
    ) SELECT count(*)::int AS count FROM gone`,
  );
  return Number(rows[0]?.count ?? 0);
}
