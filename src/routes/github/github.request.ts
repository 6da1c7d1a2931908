/**
 * What one request brings to the GitHub client (its KV cache, deadline, budget and log) and
 * what an upstream failure becomes for the client. Shared by the JSON routes and /gh pages.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import type { CacheContext } from "../../github-client/cache.ts";
import { UpstreamError } from "../../github-client/upstream.ts";
import { ApiError } from "../../lib/problem.ts";
import { GithubNotFound } from "./github.service.ts";

export function cacheContext(c: Context<AppEnv>): CacheContext {
  const settings = c.var.config.github;
  return {
    kv: c.env.CACHE,
    settings,
    deadlineAt: Date.now() + settings.deadlineMs,
    // The budgets the route declared per upstream call (github.routes.ts): the GitHub token's
    // hourly quota is shared by everybody. A route that declared none cannot reach GitHub.
    spendUpstream: countedSpend(c),
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
    onEvent: (event, detail) => c.var.log.warn("system", `github.${event}`, detail),
  };
}

/** Spends the route's budgets, then counts the call for the quota headers and /stats (github.quota.ts). */
function countedSpend(c: Context<AppEnv>) {
  const spend = c.var.spendUpstream ?? undeclaredUpstream;
  return async () => {
    await spend();
    c.set("upstreamCalls", (c.get("upstreamCalls") ?? 0) + 1);
  };
}

async function undeclaredUpstream(): Promise<never> {
  throw new Error('This route declares no upstream budget (limits: ["github", …]) and may not call GitHub');
}

/** A client's `Cache-Control: no-cache` asks us to check with GitHub before answering. */
export const forceRevalidate = (c: Context<AppEnv>) =>
  /\bno-cache\b/i.test(c.req.header("Cache-Control") ?? "");

/**
 * A connection that failed before GitHub said anything (DNS, no route, refused, cut off) is
 * this server's network, not GitHub: "GitHub is failing" would send people to the wrong place.
 */
export const NETWORK_FAILURE =
  "This server could not reach GitHub: the connection failed before GitHub answered " +
  "(no network, a DNS failure or a firewall). GitHub itself may be fine; retry later.";

/** Turns what went wrong upstream into the problem a client can act on. */
export function upstreamProblem(error: unknown, what: string): never {
  if (error instanceof GithubNotFound) throw new ApiError("not-found", { detail: `GitHub has no ${what}.` });
  if (error instanceof UpstreamError) {
    const retry = error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : undefined;
    if (error.kind === "rate_limited") {
      throw new ApiError("dependency-unavailable", {
        detail: "GitHub's rate limit is exhausted and no cached copy is available; retry later.",
        headers: retry,
        extensions: { dependency: "github" },
      });
    }
    if (error.kind === "timeout") {
      throw new ApiError("gateway-timeout", {
        detail: "GitHub did not answer in time.",
        extensions: { dependency: "github" },
      });
    }
    throw new ApiError("bad-gateway", {
      detail:
        error.kind === "network"
          ? NETWORK_FAILURE
          : error.kind === "malformed"
            ? "GitHub sent a malformed answer."
            : error.kind === "too_large"
              ? "GitHub's answer was larger than this API reads."
              : "GitHub is failing; retry later.",
      headers: retry,
      extensions: { dependency: "github" },
    });
  }
  if (error instanceof SyntaxError) {
    throw new ApiError("bad-gateway", {
      detail: "GitHub sent a malformed answer.",
      extensions: { dependency: "github" },
    });
  }
  throw error;
}
