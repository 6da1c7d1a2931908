import { createApp } from "./app.ts";
import type { Bindings } from "./env.ts";
import type { DeliveryMessage } from "./events/webhook-queue.ts";
import { consumeWebhookQueue } from "./queue.ts";
import { runOutboxSweep, runScheduledMaintenance, SWEEP_CRON } from "./scheduled.ts";

export { RateLimiterObject } from "./rate-limit/rate-limiter-object.ts";
export { PollLiveObject } from "./routes/polls/polls.live.object.ts";
export { StatsObject } from "./stats/stats-object.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(
      controller.cron === SWEEP_CRON ? runOutboxSweep(env) : runScheduledMaintenance(env, controller.cron),
    );
  },
  /** Webhook deliveries and their dead letters (src/events/webhook-queue.ts). */
  async queue(batch, env, _ctx) {
    await consumeWebhookQueue(batch, env);
  },
} satisfies ExportedHandler<Bindings, DeliveryMessage>;
