import { loadConfig } from "./config.ts";
import { createDatabase } from "./db/client.ts";
import type { Bindings } from "./env.ts";
import { sweepUnsentDeliveries } from "./events/webhook-queue.ts";
import { describeError } from "./lib/describe-error.ts";
import { Logger } from "./lib/logger.ts";
import { purgeExpiredAuditEvents } from "./routes/audit/audit.service.ts";
import { purgeOldKeyUsage } from "./routes/auth/auth.api-keys.service.ts";
import { pruneEvents } from "./routes/events/events.service.ts";
import { purgeExpired } from "./routes/notes/notes.service.ts";

/** The every-minute cron in wrangler.toml: the outbox sweeper. Any other cron is the daily maintenance. */
export const SWEEP_CRON = "* * * * *";

/** Runs `work` with the cron's services; errors are logged and rethrown so the dashboard marks the run failed. */
async function asCronJob<T>(
  env: Bindings,
  cron: string,
  work: (db: ReturnType<typeof createDatabase>["db"], log: Logger) => Promise<T>,
) {
  const config = loadConfig(env);
  const log = new Logger(config.logger, { cron });
  const database = createDatabase(config, env.HYPERDRIVE);
  try {
    return await work(database.db, log);
  } catch (error) {
    log.error("error", "maintenance.failed", { error: describeError(error) });
    throw error;
  } finally {
    await database.close();
  }
}

/**
 * The daily cron: purges notes trashed over 30 days ago, expired idempotency keys, note
 * versions, events and audit events past their retention, and API key usage buckets older
 * than the day they count.
 */
export function runScheduledMaintenance(env: Bindings, cron: string) {
  return asCronJob(env, cron, async (db, log) => {
    const purged = await purgeExpired(db);
    const events = await pruneEvents(db, loadConfig(env).events.retentionDays);
    const auditEvents = await purgeExpiredAuditEvents(db);
    const usageBuckets = await purgeOldKeyUsage(db);
    log.info("system", "maintenance.purged", {
      notes: purged.notes,
      idempotency_keys: purged.keys,
      note_versions: purged.versions,
      events,
      audit_events: auditEvents,
      api_key_usage_buckets: usageBuckets,
    });
    if (purged.notes > 0) log.info("audit", "note.purged_by_retention", { count: purged.notes });
    return { ...purged, events, auditEvents, usageBuckets };
  });
}

/** The every-minute cron: webhook deliveries committed but never handed to the queue (webhook-queue.ts). */
export function runOutboxSweep(env: Bindings) {
  return asCronJob(env, SWEEP_CRON, async (db, log) => {
    const swept = await sweepUnsentDeliveries(db, env.WEBHOOKS_QUEUE);
    if (swept > 0) log.warn("system", "webhook.swept", { deliveries: swept });
    return swept;
  });
}
