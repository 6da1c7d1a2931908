import { createCoalescer } from "../lib/coalesce.ts";
import { blockedForSeconds, readRateLimitState, recordBlock, recordQuota } from "./rate-limit-state.ts";
import type { GithubSettings } from "./settings.ts";
import { requestGithub, UpstreamError } from "./upstream.ts";

/** What KV keeps per normalised upstream request. */
export interface CacheEntry {
  status: 200 | 404;
  body: string;
  etag: string | null;
  link: string | null;
  fetchedAt: number;
}

export type CacheState = "hit" | "stale" | "revalidated" | "miss";

export interface CachedResult {
  entry: CacheEntry;
  state: CacheState;
}

/** KV refuses TTLs under 60 s; a 404 lives exactly that long, so a typo cannot burn quota. */
const KV_MIN_TTL = 60;
const NEGATIVE_TTL_SECONDS = 60;

export interface CacheContext {
  kv: KVNamespace;
  settings: GithubSettings;
  waitUntil(promise: Promise<unknown>): void;
  /** Epoch ms after which no further upstream call is started for this client request. */
  deadlineAt?: number;
  /**
   * Charged before each upstream call (a cache miss or revalidation): throws when the
   * client's GitHub budget is spent, so one client cannot drain the shared token.
   */
  spendUpstream?(): Promise<void>;
  onEvent?(
    event: "upstream_error" | "revalidated" | "revalidate_failed",
    detail: Record<string, unknown>,
  ): void;
}

const cacheKey = (path: string) => `github:v1:${path}`;

/** Concurrent misses for one key inside an isolate share one upstream request (by its result). */
const coalesce = createCoalescer<CachedResult>();

/**
 * A small per-isolate copy of recent entries in front of KV: a fresh hit then costs no KV
 * read at all. Bounded by entry count and body bytes; least recently used goes first.
 */
const MEMORY_MAX_ENTRIES = 500;
const MEMORY_MAX_BYTES = 16 * 1024 * 1024;
const memory = new Map<string, CacheEntry>();
let memoryBytes = 0;

function remember(path: string, entry: CacheEntry): void {
  const previous = memory.get(path);
  if (previous) memoryBytes -= previous.body.length;
  memory.delete(path);
  memory.set(path, entry);
  memoryBytes += entry.body.length;
  for (const [key, old] of memory) {
    if (memory.size <= MEMORY_MAX_ENTRIES && memoryBytes <= MEMORY_MAX_BYTES) break;
    memory.delete(key);
    memoryBytes -= old.body.length;
  }
}

function recall(path: string): CacheEntry | undefined {
  const entry = memory.get(path);
  if (entry) {
    memory.delete(path);
    memory.set(path, entry);
  }
  return entry;
}

/** Test hook: forget this isolate's copies (KV keeps its entries). */
export function clearMemoryCache(): void {
  memory.clear();
  memoryBytes = 0;
}

function freshFor(entry: CacheEntry, freshSeconds: number): number {
  return (entry.status === 404 ? NEGATIVE_TTL_SECONDS : freshSeconds) * 1000;
}

async function store(
  ctx: CacheContext,
  path: string,
  entry: CacheEntry,
  freshSeconds: number,
): Promise<void> {
  remember(path, entry);
  const ttl =
    entry.status === 404
      ? NEGATIVE_TTL_SECONDS
      : Math.max(KV_MIN_TTL, freshSeconds + ctx.settings.staleSeconds);
  await ctx.kv.put(cacheKey(path), JSON.stringify(entry), { expirationTtl: ttl }).catch(() => undefined);
}

/**
 * Asks GitHub (conditionally when we hold an ETag), honouring and recording the shared
 * rate-limit back-off. A 304 refreshes the stored entry's timestamp only.
 */
async function fetchAndStore(
  ctx: CacheContext,
  path: string,
  previous: CacheEntry | null,
  freshSeconds: number,
): Promise<CachedResult> {
  const limits = await readRateLimitState(ctx.kv);
  const blocked = blockedForSeconds(limits);
  if (blocked > 0) throw new UpstreamError("rate_limited", "Waiting out GitHub's rate limit", blocked);
  await ctx.spendUpstream?.();
  try {
    const response = await requestGithub(
      ctx.settings,
      path,
      previous?.status === 200 ? (previous.etag ?? undefined) : undefined,
      ctx.deadlineAt,
    );
    ctx.waitUntil(recordQuota(ctx.kv, response.rate));
    if (response.status === 304 && previous) {
      const entry = { ...previous, fetchedAt: Date.now() };
      await store(ctx, path, entry, freshSeconds);
      return { entry, state: "revalidated" };
    }
    const entry: CacheEntry = {
      status: response.status === 404 ? 404 : 200,
      body: response.body,
      etag: response.etag,
      link: response.link,
      fetchedAt: Date.now(),
    };
    await store(ctx, path, entry, freshSeconds);
    return { entry, state: "miss" };
  } catch (error) {
    if (error instanceof UpstreamError && error.kind === "rate_limited" && error.retryAfterSeconds) {
      const reason = error.rate?.remaining === 0 ? "primary" : "secondary";
      if (error.rate) await recordBlock(ctx.kv, error.retryAfterSeconds, error.rate, reason);
    }
    throw error;
  }
}

/** A follower waits out one upstream call (and its KV writes) before asking GitHub itself. */
const shared = (ctx: CacheContext, key: string, work: () => Promise<CachedResult>) =>
  coalesce(key, work, { waitUntil: ctx.waitUntil, patienceMs: ctx.settings.timeoutMs + 1000 });

/**
 * The entry point of the GitHub client's caches. Five layers, nearest first:
 * 1. `memory` (this file): recent entries per isolate, LRU by count and bytes; a fresh hit
 *    costs no KV read;
 * 2. KV (this file): every entry for all isolates, stale-while-revalidate (below);
 * 3. `inFlight` (this file): concurrent misses for one path in an isolate share one call;
 * 4. `parsedOnce` (derived-cache.ts): what was parsed from an entry, per entry object;
 * 5. `memoised` (derived-cache.ts): response bodies built from entries, per isolate, while
 *    the entries under them are unchanged.
 * Layers 4 and 5 hold nothing GitHub sent that 1 and 2 do not. GitHub's own quota back-off
 * (rate-limit-state.ts) is no cache: it decides whether a miss may go upstream at all, after
 * the route's declared budgets (`ctx.spendUpstream`).
 *
 * Stale-while-revalidate over KV:
 * - fresh entry → served, no upstream call ("hit");
 * - stale entry within the stale window → served at once, revalidated in the background
 *   ("stale"); if GitHub fails or is rate-limited the entry simply stays (stale-if-error);
 * - nothing usable → fetched, stored and served ("miss"), or an UpstreamError.
 * `forceRevalidate` (a client's `Cache-Control: no-cache`) asks GitHub first and falls back
 * to the stale entry if GitHub fails. `freshSeconds` is the route's TTL for this kind of data
 * (src/routes/github/github.ttl.ts); the stale window is the same for all.
 */
export async function cachedGithubGet(
  ctx: CacheContext,
  path: string,
  forceRevalidate = false,
  freshSeconds = ctx.settings.freshSeconds,
): Promise<CachedResult> {
  const local = recall(path);
  if (local && !forceRevalidate && Date.now() - local.fetchedAt < freshFor(local, freshSeconds)) {
    return { entry: local, state: "hit" };
  }
  const entry = await ctx.kv.get<CacheEntry>(cacheKey(path), "json").catch(() => null);
  if (entry) remember(path, entry);
  const age = entry ? Date.now() - entry.fetchedAt : Number.POSITIVE_INFINITY;
  const fresh = entry !== null && age < freshFor(entry, freshSeconds);
  const usable =
    entry !== null &&
    age < freshFor(entry, freshSeconds) + (entry.status === 404 ? 0 : ctx.settings.staleSeconds * 1000);

  if (entry && fresh && !forceRevalidate) return { entry, state: "hit" };

  if (entry && usable && !forceRevalidate) {
    ctx.waitUntil(
      shared(ctx, path, () => fetchAndStore(ctx, path, entry, freshSeconds)).then(
        (result) => ctx.onEvent?.("revalidated", { path, state: result.state }),
        (error) => ctx.onEvent?.("revalidate_failed", { path, error }),
      ),
    );
    return { entry, state: "stale" };
  }

  try {
    return await shared(ctx, path, () => fetchAndStore(ctx, path, entry, freshSeconds));
  } catch (error) {
    ctx.onEvent?.("upstream_error", { path, error });
    if (entry && usable) return { entry, state: "stale" };
    throw error;
  }
}
