import { DurableObject } from "cloudflare:workers";

/**
 * Aggregates request metrics for /stats. SQLite-backed so totals survive eviction.
 * The full pipeline (histograms, per-route counters) lands with the monitoring work.
 */
export class StatsObject extends DurableObject<Env> {
  async ping(): Promise<string> {
    return "pong";
  }
}
