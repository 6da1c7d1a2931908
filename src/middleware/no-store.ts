import type { MiddlewareHandler } from "hono";

/**
 * `Cache-Control: no-store` on the way out: for token responses, account data and key
 * listings, which must never sit in a cache (RFC 6749 §5.1). Problem responses carry it
 * already (problem.ts), so only successful responses need it here. Routes ask for it with
 * `routeOptions({ cache: "no-store", … })` (route-options.ts).
 */
export const noStore: MiddlewareHandler = async function noStoreMiddleware(c, next) {
  await next();
  c.header("Cache-Control", "no-store");
};
