import { createApp } from "./app.ts";

export { StatsObject } from "./stats/stats-object.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
