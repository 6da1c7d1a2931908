import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../lib/problem.ts";

/**
 * Swagger UI, served by this worker from its own bundle (src/routes/static/, built out of
 * swagger-ui-dist by `npm run static`): no CDN, so the page works offline and under a strict CSP.
 */
const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>devhub-api reference</title>
  <link rel="stylesheet" href="/docs/vendor/swagger-ui.css">
</head>
<body>
  <nav aria-label="Pages" style="font: 14px system-ui, sans-serif; padding: 8px 20px">
    Pages: <a href="/status">Live status</a> · <a href="/gh/octocat">GitHub profile</a> · polls at /p/{id}
  </nav>
  <div id="swagger-ui" data-spec-url="/openapi.json"></div>
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
