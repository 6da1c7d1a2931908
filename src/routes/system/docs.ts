import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../lib/problem.ts";

/**
 * Swagger UI, served as static assets beside the worker (public/docs/vendor/, copied out of
 * swagger-ui-dist by `npm run static`): no CDN, so the page works offline and under a strict CSP.
 */
const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="color-scheme" content="light dark">
  <title>API reference · devhub</title>
  <link rel="icon" href="/favicon.svg" type="image/svg+xml">
  <link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
  <link rel="stylesheet" href="/docs/theme.css">
</head>
<body>
  <header class="docs-top">
    <nav aria-label="Pages">
      <a class="brand" href="/">devhub</a>
      <a href="/status">Status</a> <a href="/gh">GitHub</a> <a href="/p">Polls</a>
      <a href="/openapi.json">OpenAPI document</a>
    </nav>
  </header>
  <main>
    <section class="docs-intro" aria-labelledby="docs-start">
      <h1 id="docs-start">API reference</h1>
      <p>Every endpoint of this service, grouped by product. Open one to see its parameters, answers and
        errors; <strong>Try it out</strong> sends a real request to this server.</p>
      <ol>
        <li>No account is needed for <strong>GitHub</strong>, health checks and public polls.</li>
        <li>For notes and your own polls: <code>POST /auth/register</code>, then <code>POST /auth/login</code>;
          copy the <code>access_token</code> from the answer.</li>
        <li>Press <strong>Authorize</strong>, paste the token, and every request from this page carries it.</li>
      </ol>
      <p>Errors are always <code>application/problem+json</code> (RFC 9457) with a stable <code>type</code>.</p>
    </section>
    <div id="swagger-ui" data-spec-url="/openapi.json"></div>
  </main>
  <script src="/docs/vendor/swagger-ui-bundle.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>`;

/** Swagger UI needs inline styles and data: images; scripts stay same-origin only. */
const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self' data:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

export function docsPage(c: Context<AppEnv>): Response {
  if (!c.var.config.docsEnabled) {
    throw new ApiError("not-found", { detail: "The API reference is disabled in this environment." });
  }
  return c.html(DOCS_HTML, 200, {
    "Content-Security-Policy": DOCS_CSP,
    "Cache-Control": "public, max-age=300",
  });
}
