/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { html } from "hono/html";
import type { Child } from "hono/jsx";
import type { AppEnv } from "../../env.ts";
import { base64url, randomBytes } from "../../lib/crypto.ts";

/** The pages link to each other and to the API reference from one navigation bar. */
const NAV = [
  { href: "/status", label: "Status" },
  { href: "/gh", label: "GitHub" },
  { href: "/p", label: "Polls" },
  { href: "/docs", label: "API reference" },
];

/**
 * A nonce-based strict CSP: only scripts carrying this response's nonce run ('strict-dynamic'
 * would let them load more, they do not). Styles and images stay same-origin, so no inline
 * style attribute works either: bar widths come from <meter>/<progress> or from script (CSSOM).
 */
export function pageCsp(nonce: string, requestUrl: string): string {
  const { host } = new URL(requestUrl);
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self'",
    "img-src 'self' data:",
    // Same-origin fetches plus the live-results WebSocket on this host.
    `connect-src 'self' ws://${host} wss://${host}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

export interface PageOptions {
  title: string;
  /** Which navigation entry is the current page. */
  current?: string;
  /** Same-origin script files under /pages, loaded in order with the response's nonce. */
  scripts?: string[];
  styles?: string[];
  /** Default `same-origin`; a page whose URL is a secret (a share link) sends `no-referrer`. */
  referrerPolicy?: "same-origin" | "no-referrer";
  /** Keeps search engines from indexing or following the page (`X-Robots-Tag` and meta). */
  noindex?: boolean;
}

/** Renders a full page with its own CSP and no shared caching (pages can carry voter state). */
export function renderPage(c: Context<AppEnv>, options: PageOptions, body: Child, status = 200) {
  const nonce = base64url(randomBytes(16));
  c.header("Content-Security-Policy", pageCsp(nonce, c.req.url));
  c.header("Cache-Control", "no-store");
  c.header("Referrer-Policy", options.referrerPolicy ?? "same-origin");
  if (options.noindex) c.header("X-Robots-Tag", "noindex, nofollow");
  c.status(status as 200);
  return c.html(
    html`<!doctype html>${(
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          {options.noindex ? <meta name="robots" content="noindex, nofollow" /> : null}
          <title>{`${options.title} · devhub`}</title>
          <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
          {(options.styles ?? []).map((href) => (
            <link rel="stylesheet" href={href} />
          ))}
          <link rel="stylesheet" href="/pages/pages.css" />
          {(options.scripts ?? []).map((src) => (
            <script nonce={nonce} src={src} defer />
          ))}
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/" aria-current={options.current === "/" ? "page" : undefined}>
              devhub
            </a>
            <nav aria-label="Pages">
              <ul>
                {NAV.filter((item) => item.href !== "/docs" || c.var.config.docsEnabled).map((item) => (
                  <li>
                    <a href={item.href} aria-current={item.href === options.current ? "page" : undefined}>
                      {item.label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          </header>
          <main id="main">{body}</main>
        </body>
      </html>
    )}`,
  );
}

/** A page-shaped 404 for people (the API's own 404 stays problem+json). */
export function notFoundPage(c: Context<AppEnv>, title: string, message: string) {
  return renderPage(
    c,
    { title },
    <section class="card" aria-labelledby="missing">
      <h1 id="missing">{title}</h1>
      <p>{message}</p>
      <p>
        <a href="/">Home</a> · <a href="/status">Service status</a>
      </p>
    </section>,
    404,
  );
}
