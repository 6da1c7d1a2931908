/**
 * Applies pending migrations from migrations/ to DATABASE_URL (or the URL given).
 * Used by `npm start`, the test setup, and the release workflow before deploy.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { applyStatementBudget, statementBudgetFromEnv } from "./lib/statement-budget.ts";

export const MIGRATIONS_FOLDER = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");

/**
 * Needs the database itself, not a transaction-mode pool (migrations take locks across
 * statements). Also provisions the role's statement budget (scripts/lib/statement-budget.ts).
 */
export async function migrateDatabase(
  url: string,
  options: { statementTimeoutMs?: number } = {},
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A long migration must not be cut short by the budget provisioned for app queries.
    await client.query("SET statement_timeout = 0");
    await migrate(drizzle({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    await applyStatementBudget(client, options.statementTimeoutMs ?? statementBudgetFromEnv());
  } finally {
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const url = process.argv[2] ?? process.env.DATABASE_URL;
  if (!url) {
    console.error("usage: npm run db:migrate -- <postgres url>   (or set DATABASE_URL)");
    process.exit(2);
  }
  await migrateDatabase(url);
  console.log(`migrations applied (${new URL(url).host})`);
}
