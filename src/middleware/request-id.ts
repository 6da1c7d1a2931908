import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";

export const REQUEST_ID_HEADER = "X-Request-Id";

/** Accept a caller's id only if it is short and inert, so it is safe to log and echo. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/**
 * Tags every request with an id: the caller's `X-Request-Id` when sane (so traces join
 * across services), a fresh UUID otherwise. The id is echoed on every response.
 */
export function requestId(): MiddlewareHandler<AppEnv> {
  return async function requestIdMiddleware(c, next) {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set("requestId", id);
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, id);
  };
}
