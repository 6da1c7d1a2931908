import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { describeError } from "../lib/describe-error.ts";
import { collectDeliveries } from "./outbox.ts";
import { enqueueDeliveries } from "./webhook-queue.ts";

/**
 * The outbox's producer: the deliveries a request's writes created (recordEvent) go to the
 * queue once the response is ready, off the response's latency. A delivery whose send is lost
 * (isolate gone, queue error) is picked up by the sweeper in the cron.
 */
export function eventOutbox(): MiddlewareHandler<AppEnv> {
  return async function eventOutboxMiddleware(c, next) {
    const deliveries = await collectDeliveries(next);
    if (deliveries.length === 0) return;
    c.executionCtx.waitUntil(
      enqueueDeliveries(c.env.WEBHOOKS_QUEUE, deliveries).catch((error) =>
        c.var.log.warn("system", "webhook.enqueue_failed", {
          count: deliveries.length,
          error: describeError(error),
        }),
      ),
    );
  };
}
