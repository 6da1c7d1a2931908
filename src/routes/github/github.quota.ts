import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { readRateLimitState } from "../../github-client/rate-limit-state.ts";

/** Headers every GitHub-backed response carries (declared in lib/openapi-headers.ts). */
export const UPSTREAM_CALLS_HEADER = "X-GitHub-Upstream-Calls";
export const QUOTA_REMAINING_HEADER = "X-GitHub-Quota-Remaining";

/**
 * Quota transparency: one token serves everybody, so each GitHub-backed answer (errors
 * included) says how many upstream calls it spent before answering, and how much of the
 * token's hourly quota GitHub last reported left. A cache hit says 0. The remaining figure
 * is omitted until GitHub has reported one (a fresh deployment serving only from KV).
 * The count comes from `cacheContext` (github.request.ts), which counts each call it pays for.
 *
 * @example githubRouter.use("/github/*", upstreamAccounting())
 */
export function upstreamAccounting(): MiddlewareHandler<AppEnv> {
  return async function upstreamAccountingMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    headers.set(UPSTREAM_CALLS_HEADER, String(c.get("upstreamCalls") ?? 0));
    // Memory first (2 s), then one KV read: no upstream call is ever made for this.
    const state = await readRateLimitState(c.env.CACHE).catch(() => undefined);
    if (typeof state?.remaining === "number") headers.set(QUOTA_REMAINING_HEADER, String(state.remaining));
  };
}
