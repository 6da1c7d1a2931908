import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { checkDependencies } from "./dependencies.ts";
import type { LivenessRoute, ReadinessRoute } from "./health.routes.ts";

export const liveness: AppRouteHandler<LivenessRoute> = (c) => c.json({ status: "ok" as const }, 200);

export const readiness: AppRouteHandler<ReadinessRoute> = async (c) => {
  const checks = await checkDependencies(c);
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
