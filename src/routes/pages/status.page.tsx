/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { renderPage } from "./layout.tsx";

/**
 * /status: a shell the script fills from GET /stats every few seconds. The page itself
 * holds no figures, so it follows /stats' access rule by asking for a token when /stats
 * answers 401/403 (the token lives in sessionStorage: this tab only).
 */
export function statusPage(c: Context<AppEnv>) {
  const access = c.var.config.statsAccess;
  return renderPage(
    c,
    {
      title: "Live status",
      current: "/status",
      styles: ["/pages/vendor/uPlot.min.css"],
      scripts: [
        "/pages/vendor/uPlot.iife.min.js",
        "/pages/common.js",
        "/pages/status-words.js",
        "/pages/status.js",
      ],
    },
    <div id="status" data-access={access} data-refresh-ms="3000">
      <div class="heading">
        <h1>Live status</h1>
        <p class="muted" aria-live="polite">
          <span id="updated">Loading…</span>
        </p>
      </div>
      <section id="state" class="card state" data-state="unknown" aria-labelledby="state-title">
        <div role="status">
          <h2 id="state-title">Checking…</h2>
          <p id="state-detail" class="muted">
            Reading the service's own statistics.
          </p>
        </div>
      </section>
      <form id="token-form" class="card" hidden>
        <h2>Admin token needed</h2>
        <p>Statistics are for admins here. The token stays in this tab only (sessionStorage).</p>
        <label for="token">Bearer token (an admin's access token; API keys carry no admin powers)</label>
        <input id="token" name="token" type="password" autocomplete="off" required />
        <button type="submit">Show status</button>
        <p id="token-error" class="error" role="alert" />
      </form>
      <section id="overview" class="grid" aria-label="Overview">
        <dl class="card tiles">
          <div>
            <dt>Environment</dt>
            <dd id="environment">–</dd>
          </div>
          <div>
            <dt>Requests / min (last 5 min)</dt>
            <dd id="rate">–</dd>
          </div>
          <div>
            <dt>Server errors / min (last 5 min)</dt>
            <dd id="error-rate">–</dd>
            <dd id="error-share" class="muted small" />
          </div>
          <div>
            <dt>Latency p50 / p95 / p99, last 60 min (ms)</dt>
            <dd id="latency">–</dd>
          </div>
          <div>
            <dt>Uptime</dt>
            <dd id="uptime">–</dd>
            <dd id="uptime-since" class="muted small" />
          </div>
          <div>
            <dt>Version</dt>
            <dd id="version">–</dd>
          </div>
        </dl>
      </section>
      <section class="grid two">
        <figure class="card chart">
          <figcaption id="cap-requests">
            Requests and errors per minute, last hour (your local time)
          </figcaption>
          <div id="chart-requests" role="img" aria-labelledby="cap-requests" />
        </figure>
        <figure class="card chart">
          <figcaption id="cap-latency">
            Latency p50 / p95 / p99 per minute (ms), last hour (your local time)
          </figcaption>
          <div id="chart-latency" role="img" aria-labelledby="cap-latency" />
        </figure>
        <figure class="card chart">
          <figcaption id="cap-routes">Requests per minute by route, since this page opened</figcaption>
          <div id="chart-routes" role="img" aria-labelledby="cap-routes">
            <p class="placeholder muted">Rates by route appear after the next refresh (a few seconds).</p>
          </div>
        </figure>
        <section class="card" aria-labelledby="h-health">
          <h2 id="h-health">Dependencies</h2>
          <ul id="health" class="plain bars" />
          <h2 id="h-github">GitHub quota</h2>
          <p id="github">–</p>
          <h2 id="h-error">Last error</h2>
          <p id="last-error">None</p>
        </section>
      </section>
      <section class="grid two">
        <section class="card" aria-labelledby="h-codes">
          <h2 id="h-codes">Status codes</h2>
          <ul id="codes" class="plain bars" />
        </section>
        <section class="card" aria-labelledby="h-cache">
          <h2 id="h-cache">GitHub cache outcomes</h2>
          <ul id="cache" class="plain bars" />
        </section>
        <section class="card wide" aria-labelledby="h-routes">
          <h2 id="h-routes">Routes</h2>
          <p class="scroll-hint muted" aria-hidden="true">
            Scroll the table sideways for more columns →
          </p>
          <section class="scroll" tabindex={0} aria-label="Routes table (scrolls sideways)">
            <table>
              <caption class="sr-only">Per-route totals since the stats began</caption>
              <thead>
                <tr>
                  <th scope="col">Route</th>
                  <th scope="col">Requests</th>
                  <th scope="col">Errors</th>
                  <th scope="col">Error rate</th>
                  <th scope="col">p50</th>
                  <th scope="col">p95</th>
                  <th scope="col">p99</th>
                </tr>
              </thead>
              <tbody id="routes" />
            </table>
          </section>
        </section>
      </section>
    </div>,
  );
}
