/**
 * Operations charged to no request budget, as `METHOD /path` in the router's own notation
 * (`:id` for a path parameter). The one home of the rule: the rate-limit middleware skips
 * them and the OpenAPI document declares no 429 or RateLimit headers on them.
 *
 * Liveness (`GET /health`) is here because it answers from the isolate alone: a budget
 * protects no resource there (the worker is already invoked and billed, the handler
 * touches nothing), and a limiter call would make "is the worker alive?" slow down or
 * fail whenever the limiter does, or when a monitor shares an address with a busy client.
 * Readiness (`/health/ready`) reaches the database and KV, so it stays metered.
 *
 * The static files never reach the worker: the asset router answers them (wrangler.toml).
 */
const UNMETERED_OPERATIONS: ReadonlySet<string> = new Set(["GET /health"]);

/** Whether the operation (a matched route's method and path pattern) spends no budget. */
export function isUnmetered(method: string, routePath: string): boolean {
  return UNMETERED_OPERATIONS.has(`${method.toUpperCase()} ${routePath}`);
}
