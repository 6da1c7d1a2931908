import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";

type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * What every response carries: OWASP's REST Security Cheat Sheet set for API answers (JSON,
 * problems, CSV), which a browser only ever reads, renders nowhere and never navigates from.
 * The CSP locks down anything that gets rendered anyway; CORP keeps other sites from
 * embedding an answer with a no-cors request; nothing here is ever framed (`DENY` says what
 * CSP's `frame-ancestors 'none'` says, for browsers that predate it).
 */
const EVERY_RESPONSE: HeaderList = [
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
];

/**
 * What only a document (the HTML pages and the docs page) needs on top: the rest of hono's
 * `secureHeaders()` defaults, which govern what a rendered page may do (open windows,
 * prefetch, send a referrer, old browsers' download and XSS-filter quirks). On JSON they
 * cost every request bytes and header work and protect nothing.
 */
const DOCUMENTS_ALSO: HeaderList = [
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Origin-Agent-Cluster", "?1"],
  ["Referrer-Policy", "no-referrer"],
  ["X-DNS-Prefetch-Control", "off"],
  ["X-Download-Options", "noopen"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
  ["X-XSS-Protection", "0"],
];

const setMissing = (headers: Headers, list: HeaderList) => {
  for (const [name, value] of list) {
    if (!headers.has(name)) headers.set(name, value);
  }
};

/**
 * Adds the security headers to the handler's response in place, never replacing one the
 * handler set itself (the pages' CSP and Referrer-Policy, the docs page's CSP).
 * `test/workers/platform.test.ts` checks each value on both kinds of response.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    setMissing(headers, EVERY_RESPONSE);
    if (headers.get("Content-Type")?.toLowerCase().startsWith("text/html")) {
      setMissing(headers, DOCUMENTS_ALSO);
    }
  };
}
