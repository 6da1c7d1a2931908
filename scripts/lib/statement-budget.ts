/**
 * The server-side statement budget, provisioned as a role-level default so that it holds
 * through transaction-mode pools (Hyperdrive, PgBouncer) — see src/db/client.ts for why it
 * is not sent by the worker. Applied with every migration run (npm start, tests, provision).
 */
import type pg from "pg";

/** Matches the worker's DATABASE_STATEMENT_TIMEOUT_MS default (src/config.ts). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000;

/** DATABASE_STATEMENT_TIMEOUT_MS from the environment, or the default. */
export function statementBudgetFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DATABASE_STATEMENT_TIMEOUT_MS;
  if (raw === undefined || raw === "") return DEFAULT_STATEMENT_TIMEOUT_MS;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`DATABASE_STATEMENT_TIMEOUT_MS must be a positive integer, got ${raw}`);
  return ms;
}

/**
 * `ALTER ROLE <current user> IN DATABASE <current database> SET statement_timeout`: every
 * new server session of the app's role in this database starts with the budget, whoever
 * opens it (a pooler included). Ordinary roles may set their own defaults, so this needs no
 * superuser. Sessions already open keep their old value until the pool recycles them.
 */
export async function applyStatementBudget(client: pg.Client, ms: number): Promise<void> {
  if (!Number.isInteger(ms) || ms <= 0)
    throw new Error(`statement budget must be a positive integer, got ${ms}`);
  await client.query(
    `DO $$ BEGIN
       EXECUTE format('ALTER ROLE %I IN DATABASE %I SET statement_timeout = %L', current_user, current_database(), '${ms}ms');
     END $$`,
  );
}
