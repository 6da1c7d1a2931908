import { createRoute, z } from "@hono/zod-openapi";
import { commonErrorResponses, unavailableProblem } from "../../lib/openapi.ts";
import { publicAccess } from "../../middleware/route-auth.ts";

const DependencyCheckSchema = z
  .object({
    status: z.enum(["up", "down"]),
    latency_ms: z.number().openapi({ example: 3.1 }),
    error: z.string().optional(),
  })
  .openapi("DependencyCheck");

export const LivenessSchema = z.object({ status: z.literal("ok") }).openapi("Liveness");

export const ReadinessSchema = z
  .object({
    status: z.literal("ready"),
    checks: z.object({ postgres: DependencyCheckSchema, kv: DependencyCheckSchema }),
  })
  .openapi("Readiness");

export const livenessRoute = createRoute({
  operationId: "getLiveness",
  ...publicAccess,
  method: "get",
  path: "/health",
  tags: ["System"],
  summary: "Liveness: the worker answers (no I/O)",
  responses: {
    200: { description: "The worker is alive.", content: { "application/json": { schema: LivenessSchema } } },
    ...commonErrorResponses,
  },
});

export const readinessRoute = createRoute({
  operationId: "getReadiness",
  ...publicAccess,
  method: "get",
  path: "/health/ready",
  tags: ["System"],
  summary: "Readiness: Postgres and KV answer",
  responses: {
    200: {
      description: "Every dependency answered.",
      content: { "application/json": { schema: ReadinessSchema } },
    },
    ...commonErrorResponses,
    ...unavailableProblem("A dependency is down; `dependencies` names it and `checks` has details."),
  },
});

export type LivenessRoute = typeof livenessRoute;
export type ReadinessRoute = typeof readinessRoute;
