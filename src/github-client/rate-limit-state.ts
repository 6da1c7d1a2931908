import { clampRetrySeconds, type GithubQuota, MAX_RETRY_SECONDS } from "./upstream.ts";

/**
 * GitHub's quota is per token, so the back-off must hold across every isolate: it lives in
 * KV under one key. KV allows about one write per second per key, so the state is written
 * when a block starts and otherwise at most every SNAPSHOT_INTERVAL_MS per isolate; reads
 * are cached in memory for a few seconds to keep the hit path free of KV round trips.
 */
export const RATE_LIMIT_KEY = "github:rate-limit";
const SNAPSHOT_INTERVAL_MS = 10_000;
const READ_CACHE_MS = 2_000;

export interface GithubRateLimitState {
  limit: number | null;
  remaining: number | null;
  /** Epoch seconds when the quota resets. */
  reset: number | null;
  /** Epoch ms until which no upstream call may be made (0 = none). */
  blockedUntil: number;
  reason: "primary" | "secondary" | null;
  observedAt: number;
}

const EMPTY: GithubRateLimitState = {
  limit: null,
  remaining: null,
  reset: null,
  blockedUntil: 0,
  reason: null,
  observedAt: 0,
};

let memory: { state: GithubRateLimitState; readAt: number } | undefined;
let lastSnapshotAt = 0;

export async function readRateLimitState(kv: KVNamespace): Promise<GithubRateLimitState> {
  if (memory && Date.now() - memory.readAt < READ_CACHE_MS) return memory.state;
  // KV answering "no such key" means no block (it expired or was deleted): only a KV
  // *failure* falls back to what this isolate remembers, so a lifted block never returns.
  const stored = await kv.get<GithubRateLimitState>(RATE_LIMIT_KEY, "json").then(
    (value) => value ?? EMPTY,
    () => memory?.state ?? EMPTY,
  );
  const state = {
    ...stored,
    blockedUntil: Math.min(stored.blockedUntil, Date.now() + MAX_RETRY_SECONDS * 1000),
  };
  memory = { state, readAt: Date.now() };
  return state;
}

/** Seconds until upstream calls are allowed again, or 0. */
export function blockedForSeconds(state: GithubRateLimitState, now = Date.now()): number {
  return state.blockedUntil > now ? Math.ceil((state.blockedUntil - now) / 1000) : 0;
}

async function write(kv: KVNamespace, state: GithubRateLimitState): Promise<void> {
  memory = { state, readAt: Date.now() };
  lastSnapshotAt = Date.now();
  // Kept a day past the block so /stats can still show the last known quota.
  await kv.put(RATE_LIMIT_KEY, JSON.stringify(state), { expirationTtl: 86_400 }).catch(() => undefined);
}

/** Starts a back-off: no upstream call until `retryAfterSeconds` from now. */
export async function recordBlock(
  kv: KVNamespace,
  retryAfterSeconds: number,
  rate: GithubQuota,
  reason: "primary" | "secondary",
): Promise<void> {
  await write(kv, {
    limit: rate.limit ?? memory?.state.limit ?? null,
    remaining: reason === "primary" ? 0 : (rate.remaining ?? memory?.state.remaining ?? null),
    reset: rate.reset ?? memory?.state.reset ?? null,
    blockedUntil: Date.now() + clampRetrySeconds(retryAfterSeconds) * 1000,
    reason,
    observedAt: Date.now(),
  });
}

/** Remembers the latest quota figures from a successful response (throttled). */
export async function recordQuota(kv: KVNamespace, rate: GithubQuota): Promise<void> {
  if (rate.remaining === undefined) return;
  const previous = memory?.state ?? EMPTY;
  const state: GithubRateLimitState = {
    limit: rate.limit ?? previous.limit,
    remaining: rate.remaining,
    reset: rate.reset ?? previous.reset,
    blockedUntil: previous.blockedUntil > Date.now() ? previous.blockedUntil : 0,
    reason: previous.blockedUntil > Date.now() ? previous.reason : null,
    observedAt: Date.now(),
  };
  memory = { state, readAt: memory?.readAt ?? 0 };
  if (Date.now() - lastSnapshotAt >= SNAPSHOT_INTERVAL_MS) await write(kv, state);
}

/** Test hook: forget what this isolate remembers (KV stays as it is). */
export function resetRateLimitMemory(): void {
  memory = undefined;
  lastSnapshotAt = 0;
}
