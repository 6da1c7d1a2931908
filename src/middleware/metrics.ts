import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { AppEnv } from "../env.ts";
import { describeError } from "../lib/describe-error.ts";
import { ApiError } from "../lib/problem.ts";
import { recorder } from "../stats/recorder.ts";

/** The endpoint's route pattern (`/notes/:id`), never the raw path; `unmatched` for 404/405. */
export function routePattern(c: Context<AppEnv>): string {
  const endpoint = matchedRoutes(c).findLast((route) => route.method !== "ALL");
  return endpoint?.path ?? "unmatched";
}

function errorDetails(c: Context<AppEnv>, status: number): { type?: string; message?: string } {
  const error = c.error;
  if (!error) return status >= 500 ? { type: `http_${status}` } : {};
  if (error instanceof ApiError) return { type: error.slug, message: error.message };
  const described = describeError(error);
  return { type: described.type, message: described.message };
}

/** `db: { binding, queries }` when the request reached the database (cache-policy.ts). */
function databaseField(c: Context<AppEnv>): { db?: { binding: string; queries: number } } {
  const usage = c.get("databaseUsage")?.();
  return usage && usage.queries > 0 ? { db: usage } : {};
}

/**
 * Times every request, writes its `access` log line and hands one sample to the isolate's
 * stats buffer. Runs right inside the request context (which gives it the config and the
 * logger) and outside everything else, so errors rendered by the error handler are seen
 * with their final status.
 */
export function metrics(): MiddlewareHandler<AppEnv> {
  return async function metricsMiddleware(c, next) {
    const started = performance.now();
    await next();
    const durationMs = performance.now() - started;
    // c.get, not c.var: Hono builds a fresh object of every variable on each `c.var` read.
    const config = c.get("config");
    const log = c.get("log");
    const route = routePattern(c);
    const status = c.res.status;
    const failure = errorDetails(c, status);
    const caller = c.get("caller");
    recorder.record(
      {
        route,
        method: c.req.method,
        status,
        durationMs,
        errorType: failure.type,
        errorMessage: failure.message,
        cache: c.get("cacheState"),
        upstream: c.get("upstreamCalls"),
        at: Date.now(),
      },
      { namespace: c.env.STATS, shards: config.statsShards, flushIntervalMs: config.statsFlushMs },
      (promise) => c.executionCtx.waitUntil(promise),
    );
    const level = status >= 500 ? "error" : status >= 400 ? "warn" : "info";
    // Checked first so a muted access channel costs no URL parse or field object per request.
    if (!log.enabled("access", level)) return;
    log.log(level, "access", "request", {
      method: c.req.method,
      route,
      path: new URL(c.req.url).pathname,
      status,
      duration_ms: Math.round(durationMs * 100) / 100,
      colo: (c.req.raw.cf as { colo?: string } | undefined)?.colo ?? null,
      user_id: caller?.userId ?? null,
      ...(failure.type ? { error_type: failure.type } : {}),
      ...databaseField(c),
    });
  };
}
