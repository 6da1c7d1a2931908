import { createApp } from "./app.ts";
import type { Bindings } from "./env.ts";
import { runScheduledMaintenance } from "./scheduled.ts";

export { RateLimiterObject } from "./rate-limit/rate-limiter-object.ts";
export { PollLiveObject } from "./routes/polls/polls.live.object.ts";
export { StatsObject } from "./stats/stats-object.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(runScheduledMaintenance(env, controller.cron));
  },
} satisfies ExportedHandler<Bindings>;
