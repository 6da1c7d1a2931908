import { type SQL, sql } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client.ts";
import type { EventType } from "../../events/event-types.ts";
import { toIsoString } from "../../lib/time.ts";
import type { Event } from "./events.schemas.ts";

/** Where a reader stands in the log: after (tx, seq). `tx` is a decimal xid8. */
export interface EventPosition {
  tx: string;
  seq: number;
}

/**
 * Only transactions older than every one still running are read (`pg_snapshot_xmin`): one
 * still open may yet commit an event that sorts before what a reader would otherwise see,
 * and a cursor past it would skip it. Reading by (tx_id, seq) below that horizon is stable.
 */
const HORIZON = sql`pg_snapshot_xmin(pg_current_snapshot())`;

export interface EventPage {
  items: Event[];
  last: EventPosition | undefined;
  /** The log's end as of this read: where a reader who saw everything resumes. */
  horizon: EventPosition;
  hasMore: boolean;
}

export async function listEvents(
  db: Database,
  accountId: string,
  after: EventPosition | undefined,
  types: EventType[] | undefined,
  limit: number,
): Promise<EventPage> {
  const conditions: SQL[] = [sql`account_id = ${accountId}`, sql`tx_id < ${HORIZON}`];
  if (after) conditions.push(sql`(tx_id, seq) > (${after.tx}::xid8, ${after.seq}::bigint)`);
  if (types) conditions.push(sql`type = ANY (${`{${types.join(",")}}`}::text[])`);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT id, type, resource_type, resource_id, payload, created_at, tx_id::text AS tx, seq,
               ${HORIZON}::text AS horizon
        FROM events WHERE ${sql.join(conditions, sql` AND `)}
        ORDER BY tx_id, seq LIMIT ${limit + 1}`,
  );
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const lastRow = page.at(-1);
  const horizon = rows[0]?.horizon ?? (await currentHorizon(db));
  return {
    items: page.map(eventDto),
    last: lastRow ? { tx: String(lastRow.tx), seq: Number(lastRow.seq) } : undefined,
    horizon: { tx: String(horizon), seq: 0 },
    hasMore,
  };
}

/** The position just before anything not yet visible: `(horizon, 0)`. */
export async function currentHorizon(db: Database): Promise<string> {
  const [row] = await queryRows<{ horizon: string }>(db, sql`SELECT ${HORIZON}::text AS horizon`);
  return String(row?.horizon);
}

function eventDto(row: Record<string, unknown>): Event {
  return {
    id: String(row.id),
    type: row.type as EventType,
    created_at: toIsoString(row.created_at as string),
    resource: { type: row.resource_type as Event["resource"]["type"], id: String(row.resource_id) },
    data: row.payload as Record<string, unknown>,
  };
}

/** The daily cron's share: events past retention (their deliveries go with them). */
export async function pruneEvents(db: Database, retentionDays: number): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`WITH gone AS (
          DELETE FROM events WHERE created_at < now() - make_interval(days => ${retentionDays}) RETURNING 1
        ) SELECT count(*)::int AS count FROM gone`,
  );
  return row?.count ?? 0;
}
