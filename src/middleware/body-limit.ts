import type { MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/problem.ts";

/**
 * Refuses a body over `MAX_BODY_BYTES` with a 413 problem. The size is a var, known only
 * once the request context has loaded the configuration, so the limiter is built on first
 * use and kept: an isolate serves one configuration, and building Hono's middleware per
 * request was pure overhead.
 */
export function requestBodyLimit(): MiddlewareHandler<AppEnv> {
  const limiters = new Map<number, MiddlewareHandler<AppEnv>>();
  const limiterFor = (maxSize: number) => {
    let limiter = limiters.get(maxSize);
    if (!limiter) {
      limiter = bodyLimit({
        maxSize,
        onError: () => {
          throw new ApiError("payload-too-large", { detail: `The request body exceeds ${maxSize} bytes.` });
        },
      });
      limiters.set(maxSize, limiter);
    }
    return limiter;
  };
  // Not `async`: it hands on the limiter's own promise rather than wrapping it in another.
  return function requestBodyLimitMiddleware(c, next) {
    return limiterFor(c.get("config").maxBodyBytes)(c, next);
  };
}
