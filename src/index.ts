import { createApp } from "./app.ts";

export { RateLimiterObject } from "./rate-limit/rate-limiter-object.ts";
export { StatsObject } from "./stats/stats-object.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
