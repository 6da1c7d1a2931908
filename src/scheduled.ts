import { loadConfig } from "./config.ts";
import { createDatabase } from "./db/client.ts";
import type { Bindings } from "./env.ts";
import { describeError } from "./lib/describe-error.ts";
import { Logger } from "./lib/logger.ts";
import { purgeExpired } from "./routes/notes/notes.service.ts";

/**
 * The daily cron: purges notes trashed over 30 days ago, expired idempotency keys and note
 * versions past their retention.
 * Errors are logged and rethrown so the Workers dashboard marks the run as failed.
 */
export async function runScheduledMaintenance(
  env: Bindings,
  cron: string,
): Promise<{ notes: number; keys: number; versions: number }> {
  const config = loadConfig(env);
  const log = new Logger(config.logger, { cron });
  const database = createDatabase(config, env.HYPERDRIVE);
  try {
    const purged = await purgeExpired(database.db);
    log.info("system", "maintenance.purged", {
      notes: purged.notes,
      idempotency_keys: purged.keys,
      note_versions: purged.versions,
    });
    if (purged.notes > 0) log.info("audit", "note.purged_by_retention", { count: purged.notes });
    return purged;
  } catch (error) {
    log.error("error", "maintenance.failed", { error: describeError(error) });
    throw error;
  } finally {
    await database.close();
  }
}
