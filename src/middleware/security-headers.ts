import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";

/**
 * The security headers every response carries, as one constant list: the headers and values
 * hono's `secureHeaders()` sent here before (its defaults, plus a CSP for JSON, which never
 * needs to load anything), without its per-request extras this API never uses (CSP nonce
 * callbacks, an `X-Powered-By` delete for a header nothing here sets).
 * `test/workers/platform.test.ts` checks each value.
 */
const SECURITY_HEADERS: ReadonlyArray<readonly [name: string, value: string]> = [
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Frame-Options", "SAMEORIGIN"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
];

/**
 * Adds SECURITY_HEADERS to the handler's response in place, never replacing one the
 * handler set itself (the pages' CSP and Referrer-Policy, the docs page's CSP).
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of SECURITY_HEADERS) {
      if (!headers.has(name)) headers.set(name, value);
    }
  };
}
