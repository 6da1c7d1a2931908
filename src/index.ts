import { createApp } from "./app.ts";
import type { Bindings } from "./env.ts";
import { runScheduledMaintenance } from "./scheduled.ts";

export { PollLiveObject } from "./polls/live-results-object.ts";
export { RateLimiterObject } from "./rate-limit/rate-limiter-object.ts";
export { StatsObject } from "./stats/stats-object.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledMaintenance(env, controller.cron));
  },
} satisfies ExportedHandler<Bindings>;
