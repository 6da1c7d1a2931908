import type { AppConfig } from "../../config.ts";
import type { GithubRateLimitState } from "../../github-client/rate-limit-state.ts";
import type { DependencyCheck } from "../../lib/probe.ts";
import { emptySummary, mergeSummary, type StatsAggregate, type Summary } from "../../stats/aggregate.ts";
import { quantile } from "../../stats/histogram.ts";

/** Must match wrangler.toml; a test keeps the two in step. */
export const COMPATIBILITY_DATE = "2026-11-01";

/** /stats shows a probe as `healthy` (its published field since the first version). */
const health = ({ status, latency_ms }: DependencyCheck) => ({ healthy: status === "up", latency_ms });

export interface ReportInputs {
  config: AppConfig;
  startedAt: string;
  aggregate: StatsAggregate;
  unreportedDropped: number;
  flushes: number;
  colo: string | null;
  database: DependencyCheck;
  kv: DependencyCheck;
  github: GithubRateLimitState;
}

const round = (value: number) => Math.round(value * 100) / 100;

export function latency(summary: Summary) {
  return {
    p50: round(quantile(summary.histogram, 0.5)),
    p90: round(quantile(summary.histogram, 0.9)),
    p95: round(quantile(summary.histogram, 0.95)),
    p99: round(quantile(summary.histogram, 0.99)),
    max: round(summary.max),
  };
}

/** Merges the per-minute slices of the last `minutes` minutes into one summary. */
function windowSummary(aggregate: StatsAggregate, minutes: number, now = Date.now()): Summary {
  const current = Math.floor(now / 60_000);
  const merged = emptySummary();
  for (const [minute, summary] of Object.entries(aggregate.minutes)) {
    if (Number(minute) > current - minutes) mergeSummary(merged, summary);
  }
  return merged;
}

/**
 * One point per minute of the last `minutes` (oldest first, empty minutes as zeros): what the
 * /status page charts as request rate, error rate and latency over the last hour.
 */
export function timeline(aggregate: StatsAggregate, minutes = 60, now = Date.now()) {
  const current = Math.floor(now / 60_000);
  return Array.from({ length: minutes }, (_, index) => {
    const minute = current - minutes + 1 + index;
    const summary = aggregate.minutes[String(minute)] ?? emptySummary();
    const { p50, p95, p99 } = latency(summary);
    return {
      at: new Date(minute * 60_000).toISOString(),
      requests: summary.count,
      errors: summary.errors,
      p50,
      p95,
      p99,
    };
  });
}

function statusClasses(codes: Record<string, number>) {
  const classes: Record<string, number> = { "1xx": 0, "2xx": 0, "3xx": 0, "4xx": 0, "5xx": 0 };
  for (const [code, count] of Object.entries(codes)) {
    const key = `${String(code)[0]}xx`;
    if (key in classes) classes[key] = (classes[key] ?? 0) + count;
  }
  return classes;
}

const windowView = (summary: Summary, minutes: number | null) => ({
  requests: summary.count,
  errors: summary.errors,
  ...(minutes ? { requests_per_minute: round(summary.count / minutes) } : {}),
  latency_ms: latency(summary),
});

/** Who burns the shared GitHub token: routes that made upstream calls, the most first. */
function upstreamByRoute(aggregate: StatsAggregate): Record<string, number> {
  return Object.fromEntries(
    Object.entries(aggregate.routes)
      .flatMap(
        ([route, summary]): Array<[string, number]> => (summary.upstream ? [[route, summary.upstream]] : []),
      )
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
  );
}

export function buildReport(inputs: ReportInputs) {
  const { aggregate, config } = inputs;
  const lastFive = windowSummary(aggregate, 5);
  const uptimeSeconds = Math.max(0, Math.floor((Date.now() - Date.parse(inputs.startedAt)) / 1000));
  const cacheHits =
    (aggregate.cache.hit ?? 0) + (aggregate.cache.stale ?? 0) + (aggregate.cache.revalidated ?? 0);
  const cacheTotal = cacheHits + (aggregate.cache.miss ?? 0);
  const fourXx: Record<string, number> = {};
  for (const [code, count] of Object.entries(aggregate.statusCodes))
    if (code.startsWith("4")) fourXx[code] = count;
  return {
    environment: config.environment,
    version: { app: config.appVersion, commit: config.gitCommit },
    platform: { runtime: "workerd" as const, colo: inputs.colo, compatibility_date: COMPATIBILITY_DATE },
    uptime: { since: inputs.startedAt, seconds: uptimeSeconds },
    requests: {
      total: aggregate.total.count,
      by_status_class: statusClasses(aggregate.statusCodes),
      client_errors_by_status: fourXx,
      rate_per_minute: round(lastFive.count / 5),
    },
    errors: {
      count: aggregate.total.errors,
      rate_per_minute: round(lastFive.errors / 5),
      ratio: aggregate.total.count ? round(aggregate.total.errors / aggregate.total.count) : 0,
      last: aggregate.lastError,
    },
    latency_ms: latency(aggregate.total),
    routes: Object.fromEntries(
      Object.entries(aggregate.routes)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([route, summary]) => [
          route,
          {
            requests: summary.count,
            errors: summary.errors,
            upstream_calls: summary.upstream ?? 0,
            latency_ms: latency(summary),
          },
        ]),
    ),
    windows: {
      "1m": windowView(windowSummary(aggregate, 1), 1),
      "5m": windowView(lastFive, 5),
      "60m": windowView(windowSummary(aggregate, 60), 60),
      all: windowView(aggregate.total, null),
    },
    timeline: timeline(aggregate),
    database: health(inputs.database),
    cache: {
      kv: health(inputs.kv),
      github: { ...aggregate.cache, hit_ratio: cacheTotal ? round(cacheHits / cacheTotal) : null },
    },
    github: {
      upstream_calls_by_route: upstreamByRoute(aggregate),
      rate_limit: {
        limit: inputs.github.limit,
        remaining: inputs.github.remaining,
        reset: inputs.github.reset ? new Date(inputs.github.reset * 1000).toISOString() : null,
        blocked_until:
          inputs.github.blockedUntil > Date.now() ? new Date(inputs.github.blockedUntil).toISOString() : null,
        reason: inputs.github.blockedUntil > Date.now() ? inputs.github.reason : null,
      },
    },
    pipeline: { flushes_received: inputs.flushes },
    dropped_samples: aggregate.dropped + inputs.unreportedDropped,
  };
}

export type StatsReport = ReturnType<typeof buildReport>;

const escapeLabel = (value: string) =>
  value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** The same figures in the Prometheus text exposition format (0.0.4). */
export function toPrometheus(report: StatsReport, aggregate: StatsAggregate): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: string,
    help: string,
    samples: Array<[Record<string, string>, number]>,
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const text = Object.entries(labels)
        .map(([key, label]) => `${key}="${escapeLabel(label)}"`)
        .join(",");
      lines.push(`${name}${text ? `{${text}}` : ""} ${Number.isFinite(value) ? value : 0}`);
    }
  };
  const routes = Object.entries(aggregate.routes).map(([key, summary]) => {
    const [method, ...path] = key.split(" ");
    return { labels: { method: method ?? "", route: path.join(" ") }, summary };
  });
  metric(
    "devhub_requests_total",
    "counter",
    "Requests handled.",
    routes.map((r) => [r.labels, r.summary.count]),
  );
  metric(
    "devhub_request_errors_total",
    "counter",
    "Requests that failed with 5xx or an exception.",
    routes.map((r) => [r.labels, r.summary.errors]),
  );
  metric(
    "devhub_responses_total",
    "counter",
    "Responses by status code.",
    Object.entries(aggregate.statusCodes).map(([code, count]) => [{ status: code }, count]),
  );
  const quantiles: Array<[Record<string, string>, number]> = [];
  for (const r of routes) {
    for (const [q, key] of [
      ["0.5", "p50"],
      ["0.9", "p90"],
      ["0.95", "p95"],
      ["0.99", "p99"],
    ] as const) {
      quantiles.push([{ ...r.labels, quantile: q }, latency(r.summary)[key]]);
    }
  }
  metric(
    "devhub_request_duration_ms",
    "summary",
    "Request latency in milliseconds (log-linear histogram, ≤2% error).",
    quantiles,
  );
  metric("devhub_stats_flushes_total", "counter", "Buffered deltas received by the stats object(s).", [
    [{}, report.pipeline.flushes_received],
  ]);
  metric("devhub_dropped_samples_total", "counter", "Metric samples lost to an unavailable stats object.", [
    [{}, report.dropped_samples],
  ]);
  metric("devhub_uptime_seconds", "gauge", "Age of the stats window.", [[{}, report.uptime.seconds]]);
  metric("devhub_database_up", "gauge", "1 if the database answered the stats ping.", [
    [{}, report.database.healthy ? 1 : 0],
  ]);
  metric("devhub_database_ping_ms", "gauge", "Database ping latency.", [[{}, report.database.latency_ms]]);
  metric("devhub_kv_up", "gauge", "1 if KV answered.", [[{}, report.cache.kv.healthy ? 1 : 0]]);
  metric(
    "devhub_github_cache_lookups_total",
    "counter",
    "GitHub cache outcomes.",
    Object.entries(aggregate.cache).map(([state, count]) => [{ state }, count ?? 0]),
  );
  metric(
    "devhub_github_upstream_calls_total",
    "counter",
    "Calls made to GitHub, by the route that made them.",
    routes.filter((r) => r.summary.upstream).map((r) => [r.labels, r.summary.upstream ?? 0]),
  );
  if (report.github.rate_limit.remaining !== null) {
    metric("devhub_github_rate_limit_remaining", "gauge", "GitHub quota left.", [
      [{}, report.github.rate_limit.remaining],
    ]);
  }
  return `${lines.join("\n")}\n`;
}
