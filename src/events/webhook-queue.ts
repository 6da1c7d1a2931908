import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../db/client.ts";

/** What the webhooks queue carries: one delivery (an endpoint and an event) per message. */
export interface DeliveryMessage {
  delivery: string;
}

/** The queue accepts at most 100 messages per sendBatch call. */
const SEND_BATCH = 100;

/** Hands deliveries to the queue (the producer side). */
export async function enqueueDeliveries(
  queue: Queue<DeliveryMessage>,
  ids: readonly string[],
): Promise<void> {
  for (let start = 0; start < ids.length; start += SEND_BATCH) {
    await queue.sendBatch(ids.slice(start, start + SEND_BATCH).map((delivery) => ({ body: { delivery } })));
  }
}

/**
 * The outbox sweeper (cron, every minute): deliveries committed over a minute ago and never
 * attempted were created by a request whose isolate died before it sent them. Sending one
 * twice is harmless: the consumer claims before it delivers.
 */
export async function sweepUnsentDeliveries(db: Database, queue: Queue<DeliveryMessage>): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`SELECT id FROM webhook_deliveries
        WHERE status = 'pending' AND attempts = 0 AND created_at < now() - interval '1 minute'
        ORDER BY created_at LIMIT 1000`,
  );
  await enqueueDeliveries(
    queue,
    rows.map((row) => row.id),
  );
  return rows.length;
}
