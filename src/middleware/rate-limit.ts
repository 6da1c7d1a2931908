import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { appliedBudgets, rateLimitHeaders, spendBudget } from "../rate-limit/budgets.ts";
import { clientKey } from "../rate-limit/enforce.ts";

/**
 * Charges every request to its client address's general budget (authenticated requests are
 * charged to the account as well, by the auth middleware), then reports each budget that
 * applied in `RateLimit-Policy` / `RateLimit` on the response. CORS preflights are free.
 */
export function rateLimits(): MiddlewareHandler<AppEnv> {
  return async function rateLimitMiddleware(c, next) {
    if (c.req.method !== "OPTIONS") await spendBudget(c, "client", clientKey(c));
    await next();
    // Set on the response in place, as the other layers do: `c.header` on a finished
    // response copies the whole Response first, once per call.
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(rateLimitHeaders(appliedBudgets(c)))) {
      if (!headers.has(name)) headers.set(name, value);
    }
  };
}
