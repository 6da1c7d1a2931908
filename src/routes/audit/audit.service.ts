import { sql } from "drizzle-orm";
import type { AuditEventType } from "../../audit/audit-event.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { pageOf } from "../../lib/pagination.ts";
import { toIsoString } from "../../lib/time.ts";
import type { AuditEventDto, AuditFilter } from "./audit.schemas.ts";

/**
 * Audit events are kept this long, then the daily cron deletes them (scheduled.ts): enough to
 * investigate a leaked key after the fact, bounded so the table does not grow for ever.
 */
export const AUDIT_RETENTION_DAYS = 90;

export interface AuditPosition {
  created_at: string;
  id: string;
}

function auditEventDto(row: Record<string, unknown>): AuditEventDto {
  return {
    id: String(row.id),
    type: row.type as AuditEventType,
    user_id: row.user_id ? String(row.user_id) : null,
    credential: {
      kind: row.credential as AuditEventDto["credential"]["kind"],
      id: row.credential_id ? String(row.credential_id) : null,
    },
    actor_id: row.actor_id ? String(row.actor_id) : null,
    ip: String(row.ip),
    details: (row.details ?? {}) as AuditEventDto["details"],
    created_at: toIsoString(new Date(row.created_at as string)),
  };
}

/** Newest first. `filter.user_id` is the account for /me/audit, an optional filter for admins. */
export async function listAuditEvents(
  db: Database,
  filter: Omit<AuditFilter, "cursor">,
  after: AuditPosition | undefined,
) {
  const conditions = [
    filter.user_id ? sql`user_id = ${filter.user_id}` : undefined,
    filter.type ? sql`type = ${filter.type}` : undefined,
    filter.since ? sql`created_at >= ${filter.since}::timestamptz` : undefined,
    filter.until ? sql`created_at < ${filter.until}::timestamptz` : undefined,
    after ? sql`(created_at, id) < (${after.created_at}::timestamptz, ${after.id}::uuid)` : undefined,
  ].filter((condition) => condition !== undefined);
  const where = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
  const rows = await queryRows(
    db,
    sql`SELECT id, type, user_id, credential, credential_id, actor_id, ip, details, created_at
    FROM audit_events ${where} ORDER BY created_at DESC, id DESC LIMIT ${filter.limit + 1}`,
  );
  const page = pageOf(
    rows.map(auditEventDto),
    filter.limit,
    (last): AuditPosition => ({
      created_at: last.created_at,
      id: last.id,
    }),
  );
  return page;
}

/** The cron's share: events past retention. */
export async function purgeExpiredAuditEvents(db: Database): Promise<number> {
  const rows = await queryRows(
    db,
    sql`WITH gone AS (
      DELETE FROM audit_events WHERE created_at < now() - ${`${AUDIT_RETENTION_DAYS} days`}::interval RETURNING 1
    ) SELECT count(*)::int AS count FROM gone`,
  );
  return Number(rows[0]?.count ?? 0);
}
