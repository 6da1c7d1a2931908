import { DurableObject } from "cloudflare:workers";
import {
  emptyAggregate,
  emptySummary,
  mergeAggregate,
  mergeSummary,
  pruneMinutes,
  type StatsAggregate,
  type Summary,
  summaryAt,
} from "./aggregate.ts";

export interface StatsSnapshot {
  startedAt: string;
  aggregate: StatsAggregate;
  /** record() calls received since the start: the pipeline's load on this object. */
  flushes: number;
}

interface Meta {
  startedAt: string;
  statusCodes: StatsAggregate["statusCodes"];
  cache: StatsAggregate["cache"];
  lastError: StatsAggregate["lastError"];
  dropped: number;
  /** Optional: meta written before the counter was persisted has none. */
  flushes?: number;
}

const KEEP_MINUTES = 60;

/**
 * Aggregates request metrics for /stats. Isolates send pre-merged deltas about once a
 * second, so this object sees a handful of calls per second whatever the traffic. State
 * lives in the object's SQLite-backed key-value storage, one key per slice (total, each
 * route, each minute of the last hour), and only touched slices are rewritten, so an
 * eviction loses nothing and a flush stays small.
 */
export class StatsObject extends DurableObject<Env> {
  private state: StatsAggregate = emptyAggregate();
  private startedAt = new Date().toISOString();
  private flushes = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => this.load());
  }

  private load(): void {
    const kv = this.ctx.storage.kv;
    const meta = kv.get<Meta>("meta");
    if (!meta) {
      this.persistMeta();
      return;
    }
    this.startedAt = meta.startedAt;
    this.state.statusCodes = meta.statusCodes;
    this.state.cache = meta.cache;
    this.state.lastError = meta.lastError;
    this.state.dropped = meta.dropped;
    this.flushes = meta.flushes ?? 0;
    this.state.total = kv.get<Summary>("total") ?? emptySummary();
    for (const [key, value] of kv.list<Summary>({ prefix: "route:" }))
      this.state.routes[key.slice(6)] = value;
    for (const [key, value] of kv.list<Summary>({ prefix: "minute:" }))
      this.state.minutes[key.slice(7)] = value;
    this.pruneStoredMinutes();
  }

  private persistMeta(): void {
    const { statusCodes, cache, lastError, dropped } = this.state;
    this.ctx.storage.kv.put("meta", {
      startedAt: this.startedAt,
      statusCodes,
      cache,
      lastError,
      dropped,
      flushes: this.flushes,
    } satisfies Meta);
  }

  private pruneStoredMinutes(): void {
    const before = new Set(Object.keys(this.state.minutes));
    pruneMinutes(this.state, KEEP_MINUTES);
    for (const minute of before)
      if (!(minute in this.state.minutes)) this.ctx.storage.kv.delete(`minute:${minute}`);
  }

  /** Merges one isolate's delta and persists the slices it touched. */
  record(delta: StatsAggregate): void {
    this.flushes += 1;
    mergeAggregate(this.state, { ...delta, minutes: {} }, Number.POSITIVE_INFINITY);
    const kv = this.ctx.storage.kv;
    for (const [minute, summary] of Object.entries(delta.minutes)) {
      const merged = summaryAt(this.state.minutes, minute);
      mergeSummary(merged, summary);
      kv.put(`minute:${minute}`, merged);
    }
    this.pruneStoredMinutes();
    kv.put("total", this.state.total);
    for (const route of Object.keys(delta.routes))
      kv.put(`route:${route}`, this.state.routes[route] as Summary);
    this.persistMeta();
  }

  snapshot(): StatsSnapshot {
    pruneMinutes(this.state, KEEP_MINUTES);
    return { startedAt: this.startedAt, aggregate: this.state, flushes: this.flushes };
  }
}
