import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { type DependencyCheck, probe } from "../../lib/probe.ts";

/** The dependencies a request may need, pinged side by side: what /health/ready and /stats report. */
export async function checkDependencies(
  c: Context<AppEnv>,
): Promise<{ postgres: DependencyCheck; kv: DependencyCheck }> {
  const [postgres, kv] = await Promise.all([
    probe(() => c.var.db.execute(sql`select 1`), "postgres"),
    probe(() => c.env.CACHE.get("health:probe"), "kv"),
  ]);
  return { postgres, kv };
}
