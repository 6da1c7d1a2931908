import { createRoute, z } from "@hono/zod-openapi";
import { commonErrorResponses, problemResponseSpec, unavailableProblem } from "../../lib/openapi.ts";
import { configuredAccess } from "../../middleware/route-auth.ts";

const Latency = z.object({
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});
const Window = z.object({
  requests: z.number().int(),
  errors: z.number().int(),
  requests_per_minute: z.number().optional(),
  latency_ms: Latency,
});
const Health = z.object({ healthy: z.boolean(), latency_ms: z.number() });

export const StatsSchema = z
  .object({
    environment: z.enum(["local", "test", "ci", "staging", "production"]),
    version: z.object({ app: z.string(), commit: z.string().nullable() }),
    platform: z.object({
      runtime: z.literal("workerd"),
      colo: z.string().nullable(),
      compatibility_date: z.string(),
    }),
    uptime: z.object({ since: z.string(), seconds: z.number().int() }),
    requests: z.object({
      total: z.number().int(),
      by_status_class: z.record(z.string(), z.number().int()),
      client_errors_by_status: z.record(z.string(), z.number().int()),
      rate_per_minute: z.number(),
    }),
    errors: z.object({
      count: z.number().int(),
      rate_per_minute: z.number(),
      ratio: z.number(),
      last: z.object({ type: z.string(), message: z.string(), route: z.string(), at: z.string() }).nullable(),
    }),
    latency_ms: Latency,
    routes: z.record(
      z.string(),
      z.object({
        requests: z.number().int(),
        errors: z.number().int(),
        upstream_calls: z.number().int().openapi({ description: "Calls this route made to GitHub." }),
        latency_ms: Latency,
      }),
    ),
    windows: z.object({ "1m": Window, "5m": Window, "60m": Window, all: Window }),
    timeline: z
      .array(
        z.object({
          at: z.string(),
          requests: z.number().int(),
          errors: z.number().int(),
          p50: z.number(),
          p95: z.number(),
          p99: z.number(),
        }),
      )
      .openapi({ description: "The last 60 minutes, one point per minute (oldest first, UTC)." }),
    database: Health,
    cache: z.object({ kv: Health, github: z.record(z.string(), z.number().nullable()) }),
    github: z.object({
      upstream_calls_by_route: z
        .record(z.string(), z.number().int())
        .openapi({ description: "Upstream GitHub calls per route since the start, the most first." }),
      rate_limit: z.object({
        limit: z.number().nullable(),
        remaining: z.number().nullable(),
        reset: z.string().nullable(),
        blocked_until: z.string().nullable(),
        reason: z.string().nullable(),
      }),
    }),
    pipeline: z.object({ flushes_received: z.number().int() }),
    dropped_samples: z.number().int(),
  })
  .openapi("Stats");

export const PrometheusTextSchema = z
  .string()
  .openapi("PrometheusText", { description: "Prometheus text exposition format 0.0.4." });

export const statsRoute = createRoute({
  operationId: "getStats",
  method: "get",
  path: "/stats",
  tags: ["System"],
  summary: "Live request, error and latency statistics (JSON or Prometheus text)",
  description: "Open in local/test/ci; admin-only in production by default (`STATS_ACCESS`).",
  ...configuredAccess((config) => config.statsAccess),
  request: {
    query: z.object({ format: z.enum(["json", "prometheus"]).default("json") }),
  },
  responses: {
    200: {
      description: "Statistics.",
      content: {
        "application/json": { schema: StatsSchema },
        "text/plain": { schema: PrometheusTextSchema },
      },
    },
    401: problemResponseSpec("A token is required here."),
    403: problemResponseSpec("Admins only here."),
    ...unavailableProblem("The stats object is unavailable."),
    ...commonErrorResponses,
  },
});

export const triggerErrorRoute = createRoute({
  operationId: "triggerError",
  method: "get",
  path: "/trigger-error",
  tags: ["System"],
  summary: "Simulate a backend failure (to test monitoring); always answers 500",
  description:
    "Off in production, admin-only in staging, open elsewhere by default (`TRIGGER_ERROR_ACCESS`).",
  ...configuredAccess((config) => config.triggerErrorAccess),
  request: {
    query: z.object({ type: z.enum(["exception", "database", "upstream_timeout"]).default("exception") }),
  },
  responses: {
    401: problemResponseSpec("A token is required here."),
    403: problemResponseSpec("Admins only here."),
    404: problemResponseSpec("Disabled in this environment."),
    ...commonErrorResponses,
  },
});

export type StatsRoute = typeof statsRoute;
export type TriggerErrorRoute = typeof triggerErrorRoute;
/** The `/stats` JSON body, inferred from the published schema. */
export type Stats = z.infer<typeof StatsSchema>;
