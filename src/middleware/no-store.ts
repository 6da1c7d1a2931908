import type { Env, MiddlewareHandler } from "hono";

const NO_STORE = "no-store";

/**
 * `Cache-Control: no-store` on the way out: for token responses, account data and key
 * listings, which must never sit in a cache (RFC 6749 §5.1). Problem responses carry it
 * already (problem.ts), so only successful responses need it here.
 */
export const noStore: MiddlewareHandler = async function noStoreMiddleware(c, next) {
  await next();
  c.header("Cache-Control", NO_STORE);
};

/**
 * An access declaration (route-auth.ts) whose responses are also `no-store`: one route
 * middleware that runs the access check, then the handler, then marks the response.
 */
export function uncached<E extends Env, S>(access: { security: S; middleware: MiddlewareHandler<E> }) {
  const inner = access.middleware;
  const middleware: MiddlewareHandler<E> = async function uncachedMiddleware(c, next) {
    return inner(c, async () => {
      await next();
      c.header("Cache-Control", NO_STORE);
    });
  };
  return { security: access.security, middleware };
}
