import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env.ts";
import { clientAddress } from "../lib/client-address.ts";
import { rateLimitHeaders, spend } from "../rate-limit/spend.ts";
import { isUnmetered } from "../rate-limit/unmetered.ts";

/** Whether the route this request matched is exempt (src/rate-limit/unmetered.ts says which). */
function unmetered(c: Context<AppEnv>): boolean {
  const endpoint = matchedRoutes(c).findLast((route) => route.method !== "ALL");
  return endpoint !== undefined && isUnmetered(endpoint.method, endpoint.path);
}

/**
 * Puts the client's address on the context (`c.var.client`, read on first use and kept for
 * every later layer), charges every request to that address's `client` budget, then reports each budget
 * that applied (this one and those the route declared) in `RateLimit-Policy` / `RateLimit`.
 * CORS preflights are free, and so are the unmetered operations, which carry no such headers.
 */
export function rateLimits(): MiddlewareHandler<AppEnv> {
  const metered: MiddlewareHandler<AppEnv> = async (c, next) => {
    await spend(c, [["client", c.get("client").key]]);
    await next();
    // Set on the response in place, as the other layers do: `c.header` on a finished
    // response copies the whole Response first, once per call.
    const headers = c.res.headers;
    for (const [name, value] of Object.entries(rateLimitHeaders(c))) {
      if (!headers.has(name)) headers.set(name, value);
    }
  };
  // Not `async`: an exempt request gets the next layer's own promise, not a wrapper around it.
  return function rateLimitMiddleware(c, next) {
    c.set("client", clientAddress(c));
    if (c.req.method === "OPTIONS" || unmetered(c)) return next();
    return metered(c, next);
  };
}
