import { env } from "cloudflare:workers";
import type { SQL } from "drizzle-orm";
import { loadConfig } from "../../src/config.ts";
import { createDatabase, queryRows } from "../../src/db/client.ts";

/** Runs SQL on the test database through the same Hyperdrive binding the worker uses. */
export async function runSql<T extends Record<string, unknown>>(query: SQL): Promise<T[]> {
  const handle = createDatabase(loadConfig(env), env.HYPERDRIVE);
  try {
    return await queryRows<T>(handle.db, query);
  } finally {
    await handle.close();
  }
}
