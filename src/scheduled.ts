import { loadConfig } from "./config.ts";
import { createDatabase } from "./db/client.ts";
import type { Bindings } from "./env.ts";
import { describeError } from "./lib/describe-error.ts";
import { Logger } from "./lib/logger.ts";
import { purgeExpiredAuditEvents } from "./routes/audit/audit.service.ts";
import { purgeOldKeyUsage } from "./routes/auth/auth.api-keys.service.ts";
import { purgeExpired } from "./routes/notes/notes.service.ts";

/**
 * The daily cron: purges notes trashed over 30 days ago, expired idempotency keys, audit
 * events past their retention and API key usage buckets older than the day they count.
 * Errors are logged and rethrown so the Workers dashboard marks the run as failed.
 */
export async function runScheduledMaintenance(
  env: Bindings,
  cron: string,
): Promise<{ notes: number; keys: number; auditEvents: number; usageBuckets: number }> {
  const config = loadConfig(env);
  const log = new Logger(config.logger, { cron });
  const database = createDatabase(config, env.HYPERDRIVE);
  try {
    const purged = await purgeExpired(database.db);
    const auditEvents = await purgeExpiredAuditEvents(database.db);
    const usageBuckets = await purgeOldKeyUsage(database.db);
    log.info("system", "maintenance.purged", {
      notes: purged.notes,
      idempotency_keys: purged.keys,
      audit_events: auditEvents,
      api_key_usage_buckets: usageBuckets,
    });
    if (purged.notes > 0) log.info("audit", "note.purged_by_retention", { count: purged.notes });
    return { ...purged, auditEvents, usageBuckets };
  } catch (error) {
    log.error("error", "maintenance.failed", { error: describeError(error) });
    throw error;
  } finally {
    await database.close();
  }
}
