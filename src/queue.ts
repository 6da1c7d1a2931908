/**
 * The Queues entry of the worker, beside the cron's (scheduled.ts): it reads the settings
 * once per batch and hands each message to the delivery code in events/.
 */
import { loadConfig } from "./config.ts";
import { createDatabase } from "./db/client.ts";
import type { Bindings } from "./env.ts";
import { attemptDelivery, buryDelivery, retryDelaySeconds } from "./events/webhook-delivery.ts";
import type { DeliveryMessage } from "./events/webhook-queue.ts";
import { describeError } from "./lib/describe-error.ts";
import { Logger } from "./lib/logger.ts";

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
