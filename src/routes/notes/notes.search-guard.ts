import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { Database } from "../../db/client.ts";
import type { AppEnv } from "../../env.ts";
import { describeError } from "../../lib/describe-error.ts";
import { ApiError } from "../../lib/problem.ts";

/**
 * A search that finds no words falls back to substring matching over all of the caller's
 * notes: up to 30 MB of text per query. Three bounds keep one user from saturating the
 * database for everybody: a rate budget (`search`) and at most a few searches of one user at
 * a time (`search_slots`, a Durable Object semaphore), both declared on the route
 * (notes.routes.ts), and here a statement budget of SEARCH_STATEMENT_TIMEOUT_MS on the query.
 */
export async function guardedSearch<E extends AppEnv, T>(
  c: Context<E>,
  run: (db: Database) => Promise<T>,
): Promise<T> {
  const statementMs = c.var.config.searchStatementTimeoutMs;
  try {
    const db: Database = c.var.db;
    return await db.transaction(async (tx) => {
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
  }
}
