import { addSample, emptyAggregate, type Sample, type StatsAggregate } from "./aggregate.ts";

/** At most one flush per isolate per this many ms, whatever the request rate. */
const FLUSH_INTERVAL_MS = 1000;
/** A buffer this large is flushed at once rather than waiting out the interval. */
const MAX_BUFFERED_SAMPLES = 5000;

export interface StatsTarget {
  namespace: DurableObjectNamespace<import("./stats-object.ts").StatsObject>;
  shards: number;
  /** Overrides FLUSH_INTERVAL_MS (tests use 0 to see every request at once). */
  flushIntervalMs?: number;
}

export const shardName = (index: number) => `stats-${index}`;

/**
 * The per-isolate buffer between requests and the STATS Durable Object. Recording is a
 * synchronous merge into memory; flushing happens in the background (waitUntil), so a
 * request never waits for, or fails because of, the metrics pipeline.
 */
export class StatsRecorder {
  private buffer: StatsAggregate = emptyAggregate();
  private buffered = 0;
  private lastFlushAt = 0;
  private pending: Promise<void> | undefined;
  /** Samples lost to a failing Durable Object, reported with the next successful flush. */
  droppedUnreported = 0;
  /** Each isolate writes to one shard, picked at random once: spreads load, keeps flushes single. */
  private readonly shard = Math.random();

  record(sample: Sample, target: StatsTarget, waitUntil: (promise: Promise<unknown>) => void): void {
    addSample(this.buffer, sample);
    this.buffered += 1;
    if (this.pending) return;
    const interval = target.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    const wait =
      this.buffered >= MAX_BUFFERED_SAMPLES ? 0 : Math.max(0, this.lastFlushAt + interval - Date.now());
    this.pending = new Promise<void>((resolve) => setTimeout(resolve, wait))
      .then(() => this.flush(target))
      .finally(() => {
        this.pending = undefined;
      });
    waitUntil(this.pending);
  }

  /** Resolves once any scheduled flush has run (tests and shutdown use it). */
  async idle(): Promise<void> {
    await this.pending;
  }

  /**
   * Flushes now if the interval has passed (what /stats calls, so a reader sees its own
   * isolate's latest requests without a busy /stats breaking the once-a-second budget).
   */
  async flushIfDue(target: StatsTarget): Promise<void> {
    const interval = target.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    if (Date.now() - this.lastFlushAt >= interval) await this.flush(target);
  }

  /** Sends the buffer now: the scheduled send, and tests that must see their samples delivered. */
  async flush(target: StatsTarget): Promise<void> {
    if (this.buffered === 0 && this.droppedUnreported === 0) return;
    const delta = this.buffer;
    const count = this.buffered;
    this.buffer = emptyAggregate();
    this.buffered = 0;
    this.lastFlushAt = Date.now();
    delta.dropped += this.droppedUnreported;
    const reported = this.droppedUnreported;
    this.droppedUnreported = 0;
    try {
      const index = Math.floor(this.shard * target.shards);
      await target.namespace.getByName(shardName(index)).record(delta);
    } catch {
      // The object is unavailable or threw: these samples are lost, but counted.
      this.droppedUnreported += reported + count;
    }
  }
}

/** One recorder per isolate. */
export const recorder = new StatsRecorder();
