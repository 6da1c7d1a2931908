import { addValue, type Histogram, mergeInto } from "./histogram.ts";

/** Counts and latency for one slice (everything, a route, a minute). */
export interface Summary {
  count: number;
  errors: number;
  histogram: Histogram;
  max: number;
  /** Calls made to GitHub (absent in slices stored before it was counted, and where none were). */
  upstream?: number;
}

export interface LastError {
  type: string;
  message: string;
  route: string;
  /** UTC ISO-8601. */
  at: string;
}

export type CacheState = "hit" | "miss" | "stale" | "revalidated";

/**
 * The unit that flows isolate → Durable Object (a delta) and Durable Object → /stats (the
 * totals): the same shape, merged by addition, so shards and isolates combine trivially.
 */
export interface StatsAggregate {
  total: Summary;
  routes: Record<string, Summary>;
  /** Keyed by epoch minute. */
  minutes: Record<string, Summary>;
  statusCodes: Record<string, number>;
  cache: Partial<Record<CacheState, number>>;
  lastError: LastError | null;
  dropped: number;
}

export interface Sample {
  route: string;
  method: string;
  status: number;
  durationMs: number;
  /** Present for failures: the problem slug or the exception class. */
  errorType?: string;
  errorMessage?: string;
  cache?: CacheState;
  /** Calls the request made to GitHub. */
  upstream?: number;
  at: number;
}

export const emptySummary = (): Summary => ({ count: 0, errors: 0, histogram: {}, max: 0 });

/** The summary stored under `key`, created empty on first use. */
export function summaryAt(summaries: Record<string, Summary>, key: string): Summary {
  let summary = summaries[key];
  if (!summary) {
    summary = emptySummary();
    summaries[key] = summary;
  }
  return summary;
}

export const emptyAggregate = (): StatsAggregate => ({
  total: emptySummary(),
  routes: {},
  minutes: {},
  statusCodes: {},
  cache: {},
  lastError: null,
  dropped: 0,
});

/** Unhandled exceptions and 5xx count as errors; 4xx are tallied by status only. */
const isError = (sample: Pick<Sample, "status">) => sample.status >= 500;

function addToSummary(summary: Summary, sample: Sample): void {
  summary.count += 1;
  if (isError(sample)) summary.errors += 1;
  addValue(summary.histogram, sample.durationMs);
  summary.max = Math.max(summary.max, sample.durationMs);
  if (sample.upstream) summary.upstream = (summary.upstream ?? 0) + sample.upstream;
}

export function mergeSummary(target: Summary, source: Summary): void {
  target.count += source.count;
  target.errors += source.errors;
  target.max = Math.max(target.max, source.max);
  if (source.upstream) target.upstream = (target.upstream ?? 0) + source.upstream;
  mergeInto(target.histogram, source.histogram);
}

const MAX_MESSAGE = 200;

export function addSample(aggregate: StatsAggregate, sample: Sample): void {
  addToSummary(aggregate.total, sample);
  const routeKey = `${sample.method} ${sample.route}`;
  addToSummary(summaryAt(aggregate.routes, routeKey), sample);
  const minute = String(Math.floor(sample.at / 60_000));
  addToSummary(summaryAt(aggregate.minutes, minute), sample);
  aggregate.statusCodes[sample.status] = (aggregate.statusCodes[sample.status] ?? 0) + 1;
  if (sample.cache) aggregate.cache[sample.cache] = (aggregate.cache[sample.cache] ?? 0) + 1;
  if (isError(sample)) {
    aggregate.lastError = {
      type: sample.errorType ?? `http_${sample.status}`,
      message: (sample.errorMessage ?? "").slice(0, MAX_MESSAGE),
      route: routeKey,
      at: new Date(sample.at).toISOString(),
    };
  }
}

/** Adds `source` into `target`; minutes older than `keepMinutes` are dropped from the result. */
export function mergeAggregate(target: StatsAggregate, source: StatsAggregate, keepMinutes = 60): void {
  mergeSummary(target.total, source.total);
  for (const [key, summary] of Object.entries(source.routes))
    mergeSummary(summaryAt(target.routes, key), summary);
  for (const [key, summary] of Object.entries(source.minutes))
    mergeSummary(summaryAt(target.minutes, key), summary);
  for (const [code, count] of Object.entries(source.statusCodes))
    target.statusCodes[code] = (target.statusCodes[code] ?? 0) + count;
  for (const [state, count] of Object.entries(source.cache)) {
    const key = state as CacheState;
    target.cache[key] = (target.cache[key] ?? 0) + (count ?? 0);
  }
  if (source.lastError && (!target.lastError || source.lastError.at >= target.lastError.at)) {
    target.lastError = source.lastError;
  }
  target.dropped += source.dropped;
  pruneMinutes(target, keepMinutes);
}

export function pruneMinutes(aggregate: StatsAggregate, keepMinutes: number, now = Date.now()): void {
  const oldest = Math.floor(now / 60_000) - keepMinutes + 1;
  for (const minute of Object.keys(aggregate.minutes))
    if (Number(minute) < oldest) delete aggregate.minutes[minute];
}
