import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";

type HeaderList = ReadonlyArray<readonly [name: string, value: string]>;

/**
 * What every response carries: OWASP's REST Security Cheat Sheet set for API answers (JSON,
 * problems, CSV), which a browser only ever reads, renders nowhere and never navigates from.
 * CORP keeps other sites from embedding an answer with a no-cors request; nothing here is
 * ever framed (`DENY` says what CSP's `frame-ancestors 'none'` says, for browsers that
 * predate it). No handler sets these, so they are set without looking first: each header
 * check is a call into the runtime, and this runs on every request.
 */
const EVERY_RESPONSE: HeaderList = [
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Content-Type-Options", "nosniff"],
  ["X-Frame-Options", "DENY"],
];

/** Locks down anything that gets rendered anyway; the pages and the docs page send their own. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

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

/**
 * Adds the security headers to the handler's response in place, never replacing a CSP or a
 * Referrer-Policy the handler set itself (the pages' and the docs page's).
 * `test/workers/platform.test.ts` checks each value on both kinds of response.
 */
export function securityHeaders(): MiddlewareHandler<AppEnv> {
  return async function securityHeadersMiddleware(c, next) {
    await next();
    const headers = c.res.headers;
    for (const [name, value] of EVERY_RESPONSE) headers.set(name, value);
    if (!headers.has("Content-Security-Policy")) headers.set("Content-Security-Policy", API_CSP);
    // Cards (src/routes/cards) are images for other sites' pages: same-origin CORP would block them.
    if (headers.get("Content-Type")?.startsWith("image/svg+xml")) {
      headers.set("Cross-Origin-Resource-Policy", "cross-origin");
    }
    if (headers.get("Content-Type")?.toLowerCase().startsWith("text/html")) {
      for (const [name, value] of DOCUMENTS_ALSO) if (!headers.has(name)) headers.set(name, value);
    }
  };
}
