import { lazyAppFetch } from "./app.lazy.ts";
import type { Bindings } from "./env.ts";
import type { DeliveryMessage } from "./events/webhook-queue.ts";

export { RateLimiterObject } from "./rate-limit/rate-limiter-object.ts";
export { PollLiveObject } from "./routes/polls/polls.live.object.ts";
export { StatsObject } from "./stats/stats-object.ts";

// Every entry loads its code on first use (dynamic `import()`), not when the isolate starts:
// startup then evaluates only this file, the lazy dispatcher and the Durable Object classes.
export default {
  // Route groups load on the first request under their paths (src/app.lazy.ts).
  fetch: lazyAppFetch(),
  async scheduled(controller, env, ctx) {
    const { runOutboxSweep, runScheduledMaintenance, SWEEP_CRON } = await import("./scheduled.ts");
    ctx.waitUntil(
      controller.cron === SWEEP_CRON ? runOutboxSweep(env) : runScheduledMaintenance(env, controller.cron),
    );
  },
  /** Webhook deliveries and their dead letters (src/events/webhook-queue.ts). */
  async queue(batch, env, _ctx) {
    const { consumeWebhookQueue } = await import("./queue.ts");
    await consumeWebhookQueue(batch, env);
  },
} satisfies ExportedHandler<Bindings, DeliveryMessage>;
