import { sql } from "drizzle-orm";
import { readRateLimitState } from "../../github-client/rate-limit-state.ts";
import { ApiError } from "../../lib/problem.ts";
import { TimeoutError } from "../../lib/timeout.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { emptyAggregate, mergeAggregate } from "../../stats/aggregate.ts";
import { recorder, shardName } from "../../stats/recorder.ts";
import type { StatsSnapshot } from "../../stats/stats-object.ts";
import { checkDependencies } from "./dependencies.ts";
import { buildReport, toPrometheus } from "./stats.report.ts";
import type { StatsRoute, TriggerErrorRoute } from "./stats.routes.ts";

export const stats: AppRouteHandler<StatsRoute> = async (c) => {
  const config = c.var.config;
  const target = { namespace: c.env.STATS, shards: config.statsShards, flushIntervalMs: config.statsFlushMs };
  // The reader's own isolate flushes first (when due), so its latest requests are in the figures.
  await recorder.flushIfDue(target);
  const shards = await Promise.allSettled(
    Array.from({ length: config.statsShards }, (_, index) =>
      c.env.STATS.getByName(shardName(index)).snapshot(),
    ),
  );
  const answered: StatsSnapshot[] = [];
  for (const shard of shards) if (shard.status === "fulfilled") answered.push(shard.value as StatsSnapshot);
  if (answered.length === 0) {
    throw new ApiError("dependency-unavailable", {
      detail: "The stats object is unavailable; requests are still being served.",
      headers: { "Retry-After": "5" },
      extensions: { dependency: "stats", dropped_samples: recorder.droppedUnreported },
    });
  }
  const aggregate = emptyAggregate();
  for (const shard of answered) mergeAggregate(aggregate, shard.aggregate);
  const startedAt = answered.map((shard) => shard.startedAt).sort()[0] as string;
  const [{ postgres: database, kv }, github] = await Promise.all([
    checkDependencies(c),
    readRateLimitState(c.env.CACHE),
  ]);
  const report = buildReport({
    config,
    startedAt,
    aggregate,
    unreportedDropped: recorder.droppedUnreported,
    flushes: answered.reduce((sum, shard) => sum + (shard.flushes ?? 0), 0),
    colo: (c.req.raw.cf as { colo?: string } | undefined)?.colo ?? null,
    database,
    kv,
    github,
  });
  c.header("Cache-Control", "no-store");
  if (c.req.valid("query").format === "prometheus") {
    return c.text(toPrometheus(report, aggregate), 200, {
      "Content-Type": "text/plain; version=0.0.4; charset=utf-8",
    });
  }
  return c.json(report, 200);
};

class SimulatedException extends Error {
  override name = "SimulatedException";
}

export const triggerError: AppRouteHandler<TriggerErrorRoute> = async (c) => {
  const { type } = c.req.valid("query");
  c.var.log.warn("system", "trigger_error.requested", { type });
  if (type === "database") {
    // A real failing query, so the database error path (driver error → 500) is exercised.
    await c.var.db.execute(sql`SELECT * FROM devhub_simulated_missing_table`);
  }
  if (type === "upstream_timeout") {
    throw new TimeoutError("Simulated upstream timeout: the dependency did not answer within its budget");
  }
  throw new SimulatedException("Simulated failure triggered via /trigger-error");
};
