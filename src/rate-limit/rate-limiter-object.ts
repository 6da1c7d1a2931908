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
}

/**
 * One token bucket per object; the worker names one object per (rule, subject), e.g.
 * `login_ip:<hash of 203.0.113.9>`, so limits hold across every isolate and colo without
 * a shared hot spot. The bucket lives in the object's SQLite-backed synchronous KV, so
 * an eviction does not hand an attacker a fresh allowance.
 */
export class RateLimiterObject extends DurableObject<Env> {
  consume(limit: number, windowSeconds: number): RateLimitDecision {
    return this.take(limit, windowSeconds, 1);
  }

  /** Whether one request would be allowed, without spending it (failure-only budgets). */
  peek(limit: number, windowSeconds: number): RateLimitDecision {
    return this.take(limit, windowSeconds, 0);
  }

  private take(limit: number, windowSeconds: number, cost: 0 | 1): RateLimitDecision {
    const now = Date.now();
    const refillPerMs = limit / (windowSeconds * 1000);
    const stored = this.ctx.storage.kv.get<Bucket>("bucket");
    const elapsed = stored ? Math.max(0, now - stored.updatedMs) : 0;
    const tokens = stored ? Math.min(limit, stored.tokens + elapsed * refillPerMs) : limit;
    if (tokens >= 1) {
      if (cost > 0) this.ctx.storage.kv.put("bucket", { tokens: tokens - cost, updatedMs: now });
      return { allowed: true, remaining: Math.floor(tokens - cost), retryAfterSeconds: 0 };
    }
    this.ctx.storage.kv.put("bucket", { tokens, updatedMs: now });
    return {
      allowed: false,
      remaining: 0,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / refillPerMs / 1000)),
    };
  }

  /**
   * A counting semaphore for work that must not run too often *at once* (searches): up to
   * `max` leases; each expires after `leaseMs` so a crashed isolate cannot leak a slot.
   * Returns the lease id, or null when all slots are taken.
   */
  acquireSlot(max: number, leaseMs: number): string | null {
    const now = Date.now();
    const leases = Object.fromEntries(
      Object.entries(this.ctx.storage.kv.get<Record<string, number>>("leases") ?? {}).filter(
        ([, expiresAt]) => expiresAt > now,
      ),
    );
    if (Object.keys(leases).length >= max) return null;
    const id = crypto.randomUUID();
    leases[id] = now + leaseMs;
    this.ctx.storage.kv.put("leases", leases);
    return id;
  }

  releaseSlot(id: string): void {
    const leases = this.ctx.storage.kv.get<Record<string, number>>("leases") ?? {};
    delete leases[id];
    this.ctx.storage.kv.put("leases", leases);
  }
}
