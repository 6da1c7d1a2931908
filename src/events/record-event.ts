import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../db/client.ts";
import { uuidv7 } from "../lib/ids.ts";
import { EVENT_RESOURCES, type EventType, type NewEvent } from "./event-types.ts";
import { noteDeliveries } from "./outbox.ts";

/**
 * Records an event in the caller's transaction: the row lands, or is rolled back, with the
 * change it describes (a transactional outbox). The same statement creates one delivery per
 * enabled webhook endpoint of the account subscribed to the type, so a committed event can
 * never miss an endpoint; those deliveries are handed to the queue after the response.
 * Returns the event's id.
 *
 * @example
 * await db.transaction(async (tx) => {
 *   const note = await insertNote(tx, …);
 *   await recordEvent(tx, { accountId, type: "note.created", resourceId: note.id, payload: { id: note.id, version: 1 } });
 * });
 */
export async function recordEvent<T extends EventType>(tx: Database, event: NewEvent<T>): Promise<string> {
  const [id] = await recordEvents(tx, [event]);
  return id as string;
}

/** `recordEvent` for many events in one statement (emptying the trash, the retention purge). */
export async function recordEvents(tx: Database, batch: readonly NewEvent[]): Promise<string[]> {
  if (batch.length === 0) return [];
  const ids = batch.map(() => uuidv7());
  const values = batch.map(
    (event, index) =>
      sql`(${ids[index]}::uuid, ${event.accountId}::uuid, ${event.type}, ${EVENT_RESOURCES[event.type]},
           ${event.resourceId}, ${JSON.stringify(event.payload)}::jsonb, ${event.coalesceKey ?? null}::text)`,
  );
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`WITH recorded AS (
          INSERT INTO events (id, account_id, type, resource_type, resource_id, payload, coalesce_key)
          VALUES ${sql.join(values, sql`, `)}
          ON CONFLICT (coalesce_key) DO NOTHING
          RETURNING id, account_id, type
        )
        INSERT INTO webhook_deliveries (endpoint_id, event_id)
        SELECT w.id, recorded.id FROM recorded
        JOIN webhook_endpoints w ON w.account_id = recorded.account_id
          AND w.disabled_at IS NULL AND recorded.type = ANY (w.event_types)
        RETURNING id`,
  );
  noteDeliveries(rows.map((row) => row.id));
  return ids;
}
