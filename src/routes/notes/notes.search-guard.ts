import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { Database } from "../../db/client.ts";
import type { AppEnv } from "../../env.ts";
import { sha256 } from "../../lib/crypto.ts";
import { describeError } from "../../lib/describe-error.ts";
import { ApiError } from "../../lib/problem.ts";
import { authedCaller } from "../../middleware/auth.ts";
import { spendBudget } from "../../rate-limit/budgets.ts";

/**
 * A search that finds no words falls back to substring matching over all of the caller's
 * notes: up to 30 MB of text per query. Three bounds keep one user from saturating the
 * database for everybody: a rate budget (`search`), at most SEARCH_CONCURRENCY searches
 * of one user at a time (a Durable Object semaphore, so it holds across isolates), and a
 * statement budget of SEARCH_STATEMENT_TIMEOUT_MS on the search query itself.
 */
export async function guardedSearch<T>(c: Context<AppEnv>, run: (db: Database) => Promise<T>): Promise<T> {
  const userId = authedCaller(c).userId;
  await spendBudget(c, "search", userId);
  const { searchStatementTimeoutMs: statementMs, searchConcurrency: max } = c.var.config;
  const slots = c.env.RATE_LIMITER.getByName(`search_slots:${await sha256(userId)}`);
  const lease = await slots.acquireSlot(max, statementMs + 5_000).catch((error: unknown) => {
    c.var.log.error("error", "rate_limiter.unavailable", { rule: "search_slots", error });
    return "unguarded";
  });
  if (lease === null) {
    throw new ApiError("rate-limited", {
      detail: `At most ${max} searches of one account run at once; retry when one has finished.`,
      headers: { "Retry-After": "1" },
    });
  }
  try {
    return await c.var.db.transaction(async (tx) => {
      // Local to this transaction, so a pooled connection never keeps the shorter budget.
      await tx.execute(sql`SELECT set_config('statement_timeout', ${String(statementMs)}, true)`);
      return run(tx as unknown as Database);
    });
  } catch (error) {
    if (describeError(error).code === "57014") {
      throw new ApiError("dependency-unavailable", {
        detail: `The search ran past its ${statementMs} ms budget; search for whole words or add filters.`,
        headers: { "Retry-After": "5" },
        extensions: { dependency: "postgres" },
      });
    }
    throw error;
  } finally {
    // Awaited, so the caller's next search never finds its own finished one still counted.
    if (lease !== "unguarded") await slots.releaseSlot(lease).catch(() => undefined);
  }
}
