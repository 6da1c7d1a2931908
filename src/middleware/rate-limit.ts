import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env.ts";
import { appliedBudgets, rateLimitHeaders, spendBudget } from "../rate-limit/budgets.ts";
import { clientKey } from "../rate-limit/enforce.ts";
import { isUnmetered } from "../rate-limit/unmetered.ts";

/** Whether the route this request matched is exempt (src/rate-limit/unmetered.ts says which). */
function unmetered(c: Context<AppEnv>): boolean {
  const endpoint = matchedRoutes(c).findLast((route) => route.method !== "ALL");
  return endpoint !== undefined && isUnmetered(endpoint.method, endpoint.path);
}

/**
 * Charges every request to its client address's general budget (authenticated requests are
 * charged to the account as well, by the auth middleware), then reports each budget that
 * applied in `RateLimit-Policy` / `RateLimit` on the response. CORS preflights are free,
 * and so are the unmetered operations (liveness), which then carry no RateLimit headers.
 */
export function rateLimits(): MiddlewareHandler<AppEnv> {
  const metered: MiddlewareHandler<AppEnv> = async (c, next) => {
    await spendBudget(c, "client", clientKey(c));
    await next();
    // Set on the response in place, as the other layers do: `c.header` on a finished
    // response copies the whole Response first, once per call.
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(rateLimitHeaders(appliedBudgets(c)))) {
      if (!headers.has(name)) headers.set(name, value);
    }
  };
  // Not `async`: an exempt request gets the next layer's own promise, not a wrapper around it.
  return function rateLimitMiddleware(c, next) {
    if (c.req.method === "OPTIONS" || unmetered(c)) return next();
    return metered(c, next);
  };
}
