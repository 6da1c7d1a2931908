import { addSample, emptyAggregate, type Sample, type StatsAggregate } from "./aggregate.ts";

/** At most one flush per isolate per this many ms, whatever the request rate. */
const FLUSH_INTERVAL_MS = 1000;
/** A buffer this large is flushed at once rather than waiting out the interval. */
const MAX_BUFFERED_SAMPLES = 5000;
/**
 * A scheduled flush still not run this long after it was due was cut off with its request's
 * waitUntil (the platform allows 30 s): the next request schedules a new one.
 */
const ABANDONED_AFTER_MS = 30_000;

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
  /**
   * When the scheduled flush is due, or undefined when none is. Plain state, not a promise:
   * the flush runs in the waitUntil of the request that scheduled it, and later requests only
   * add to the buffer, so nothing one request created is ever awaited by another.
   */
  private flushDueAt: number | undefined;
  /** Samples lost to a failing Durable Object, reported with the next successful flush. */
  droppedUnreported = 0;
  /** Each isolate writes to one shard, picked at random once: spreads load, keeps flushes single. */
  private readonly shard = Math.random();

  record(sample: Sample, target: StatsTarget, waitUntil: (promise: Promise<unknown>) => void): void {
    addSample(this.buffer, sample);
    this.buffered += 1;
    const now = Date.now();
    if (this.flushDueAt !== undefined && now < this.flushDueAt + ABANDONED_AFTER_MS) return;
    const interval = target.flushIntervalMs ?? FLUSH_INTERVAL_MS;
    const wait = this.buffered >= MAX_BUFFERED_SAMPLES ? 0 : Math.max(0, this.lastFlushAt + interval - now);
    this.flushDueAt = now + wait;
    waitUntil(this.flushAfter(wait, target));
  }

  /** Whether a flush is scheduled and has not run yet (tests wait for it to clear). */
  get flushScheduled(): boolean {
    return this.flushDueAt !== undefined;
  }

  private async flushAfter(wait: number, target: StatsTarget): Promise<void> {
    // Even at 0 ms, after the current task: samples of concurrent requests join this flush.
    await new Promise((resolve) => setTimeout(resolve, wait));
    this.flushDueAt = undefined;
    await this.flush(target);
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
