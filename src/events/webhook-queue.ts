import { sql } from "drizzle-orm";
import { loadConfig } from "../config.ts";
import { createDatabase, type Database, queryRows } from "../db/client.ts";
import type { Bindings } from "../env.ts";
import { describeError } from "../lib/describe-error.ts";
import { Logger } from "../lib/logger.ts";
import { attemptDelivery, buryDelivery, retryDelaySeconds } from "./webhook-delivery.ts";

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
 * The queue consumer: the main queue attempts each delivery and asks for a retry with a
 * growing delay when it fails; the dead-letter queue receives those that failed their last
 * retry (`max_retries` in wrangler.toml) and buries them.
 */
export async function consumeWebhookQueue(
  batch: MessageBatch<DeliveryMessage>,
  env: Bindings,
): Promise<void> {
  const config = loadConfig(env);
  const log = new Logger(config.logger, { queue: batch.queue });
  const database = createDatabase(config, env.HYPERDRIVE);
  const deadLetters = batch.queue.endsWith("-dlq");
  try {
    await Promise.all(
      batch.messages.map(async (message) => {
        const id = message.body?.delivery;
        if (typeof id !== "string") return message.ack();
        try {
          if (deadLetters) {
            await buryDelivery(database.db, id);
            log.warn("system", "webhook.delivery_dead", { delivery_id: id });
            return message.ack();
          }
          const result = await attemptDelivery(database.db, config, id, message.attempts);
          if (result.outcome === "retry") message.retry({ delaySeconds: result.delaySeconds });
          else message.ack();
        } catch (error) {
          log.error("error", "webhook.consume_failed", { delivery_id: id, error: describeError(error) });
          message.retry({
            delaySeconds: retryDelaySeconds(message.attempts, config.events.retryBaseSeconds),
          });
        }
      }),
    );
  } finally {
    await database.close();
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
