import { DurableObject } from "cloudflare:workers";

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until one more request would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

interface Bucket {
  tokens: number;
  updatedMs: number;
  /** The figures it was filled with, so the alarm can tell when it is full again. */
  limit: number;
  windowSeconds: number;
}

type Leases = Record<string, number>;

/**
 * One token bucket per object; the worker names one object per (entry, figures, subject) of
 * the policy table, e.g. `login_ip:20/300:<hash of 203.0.113.9>`, so limits hold across every
 * isolate and colo without a shared hot spot. The bucket lives in the object's SQLite-backed
 * synchronous KV, so an eviction does not hand an attacker a fresh allowance.
 *
 * Storage is released once it says nothing: a bucket that has refilled to its limit is the
 * same as no bucket, and expired leases are the same as none. An alarm set when state is first
 * written fires when the bucket would be full (or the last lease expire), and either deletes
 * everything or waits for the new time; so a flood of one-off subjects (random emails and
 * addresses) leaves no objects behind, and the alarm costs one write per object, not per request.
 */
export class RateLimiterObject extends DurableObject<Env> {
  async consume(limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    return this.take(limit, windowSeconds, 1);
  }

  /** Whether one request would be allowed, without spending it (failure-only budgets). */
  async peek(limit: number, windowSeconds: number): Promise<RateLimitDecision> {
    return this.take(limit, windowSeconds, 0);
  }

  private async take(limit: number, windowSeconds: number, cost: 0 | 1): Promise<RateLimitDecision> {
    const now = Date.now();
    const refillPerMs = limit / (windowSeconds * 1000);
    const tokens = this.tokensAt(now, limit, windowSeconds);
    if (tokens >= 1) {
      if (cost > 0) await this.keep({ tokens: tokens - cost, updatedMs: now, limit, windowSeconds });
      return { allowed: true, remaining: Math.floor(tokens - cost), retryAfterSeconds: 0 };
    }
    await this.keep({ tokens, updatedMs: now, limit, windowSeconds });
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000)),
    };
  }

  /** The bucket's tokens at `now`, refilled since its last write (a missing bucket is full). */
  private tokensAt(now: number, limit: number, windowSeconds: number): number {
    const stored = this.ctx.storage.kv.get<Bucket>("bucket");
    if (!stored) return limit;
    const elapsed = Math.max(0, now - stored.updatedMs);
    return Math.min(limit, stored.tokens + (elapsed * limit) / (windowSeconds * 1000));
  }

  private async keep(bucket: Bucket): Promise<void> {
    this.ctx.storage.kv.put("bucket", bucket);
    await this.expireLater(this.bucketFullAt(bucket));
  }

  private bucketFullAt({ tokens, updatedMs, limit, windowSeconds }: Bucket): number {
    return updatedMs + Math.ceil(((limit - tokens) * windowSeconds * 1000) / limit);
  }

  /** Arms the expiry alarm unless one is already set (the alarm itself re-arms if too early). */
  private async expireLater(at: number): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(at);
  }

  /**
   * A counting semaphore for work that must not run too often *at once* (searches): up to
   * `max` leases; each expires after `leaseMs` so a crashed isolate cannot leak a slot.
   * Returns the lease id, or null when all slots are taken.
   */
  async acquireSlot(max: number, leaseMs: number): Promise<string | null> {
    const now = Date.now();
    const leases = this.liveLeases(now);
    if (Object.keys(leases).length >= max) return null;
    const id = crypto.randomUUID();
    leases[id] = now + leaseMs;
    this.ctx.storage.kv.put("leases", leases);
    await this.expireLater(now + leaseMs);
    return id;
  }

  async releaseSlot(id: string): Promise<void> {
    const leases = this.liveLeases(Date.now());
    delete leases[id];
    if (Object.keys(leases).length === 0 && !this.ctx.storage.kv.get("bucket")) {
      await this.ctx.storage.deleteAll();
      return;
    }
    this.ctx.storage.kv.put("leases", leases);
  }

  private liveLeases(now: number): Leases {
    const stored = this.ctx.storage.kv.get<Leases>("leases") ?? {};
    return Object.fromEntries(Object.entries(stored).filter(([, expiresAt]) => expiresAt > now));
  }

  /** Deletes the object's storage once nothing in it still limits anyone; else waits on. */
  override async alarm(): Promise<void> {
    const now = Date.now();
    const bucket = this.ctx.storage.kv.get<Bucket>("bucket");
    const leases = Object.values(this.liveLeases(now));
    const until = Math.max(bucket ? this.bucketFullAt(bucket) : 0, ...leases);
    if (until <= now) await this.ctx.storage.deleteAll();
    else await this.ctx.storage.setAlarm(until);
  }
}
