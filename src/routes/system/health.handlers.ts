import { sql } from "drizzle-orm";
import type { AppRouteHandler } from "../../lib/handler.ts";
import { ApiError } from "../../lib/problem.ts";
import { withTimeout } from "../../lib/timeout.ts";
import type { LivenessRoute, ReadinessRoute } from "./health.routes.ts";

/** A readiness probe must answer well inside a load balancer's own timeout. */
const CHECK_TIMEOUT_MS = 2_000;

interface DependencyCheck {
  status: "up" | "down";
  latency_ms: number;
  error?: string;
}

async function check(probe: () => Promise<unknown>, what: string): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await withTimeout(probe(), CHECK_TIMEOUT_MS, what);
    return { status: "up", latency_ms: round(performance.now() - started) };
  } catch (error) {
    // Only the error class reaches the client: driver messages can carry host names.
    const kind = error instanceof Error ? error.name : "Error";
    return { status: "down", latency_ms: round(performance.now() - started), error: kind };
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;

export const liveness: AppRouteHandler<LivenessRoute> = (c) => c.json({ status: "ok" as const }, 200);

export const readiness: AppRouteHandler<ReadinessRoute> = async (c) => {
  const [postgres, kv] = await Promise.all([
    check(() => c.var.db.execute(sql`select 1`), "postgres"),
    check(() => c.env.CACHE.get("health:probe"), "kv"),
  ]);
  const checks = { postgres, kv };
  const down = Object.entries(checks)
    .filter(([, result]) => result.status === "down")
    .map(([name]) => name);
  if (down.length > 0) {
    c.var.log.warn("system", "readiness.failed", { dependencies: down });
    throw new ApiError("dependency-unavailable", {
      detail: `Not ready: ${down.join(" and ")} ${down.length > 1 ? "are" : "is"} unavailable.`,
      headers: { "Retry-After": "5" },
      extensions: { dependencies: down, checks },
    });
  }
  return c.json({ status: "ready" as const, checks }, 200);
};
