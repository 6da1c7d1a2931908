import { loadConfig } from "./config.ts";
import { createDatabase } from "./db/client.ts";
import type { Bindings } from "./env.ts";
import { sweepUnsentDeliveries } from "./events/webhook-queue.ts";
import { describeError } from "./lib/describe-error.ts";
import { Logger } from "./lib/logger.ts";
import { pruneEvents } from "./routes/events/events.service.ts";
import { purgeExpired } from "./routes/notes/notes.service.ts";

/** The every-minute cron: the outbox sweeper (webhook-queue.ts). Any other cron is the daily maintenance. */
export const SWEEP_CRON = "* * * * *";

/**
 * The daily cron: purges notes trashed over 30 days ago, expired idempotency keys and events
 * past retention; the every-minute cron sweeps the outbox. Errors are logged and rethrown so
 * the Workers dashboard marks the run as failed.
 */
export async function runScheduledMaintenance(
  env: Bindings,
  cron: string,
): Promise<{ notes: number; keys: number; events: number } | { swept: number }> {
  const config = loadConfig(env);
  const log = new Logger(config.logger, { cron });
  const database = createDatabase(config, env.HYPERDRIVE);
  try {
    if (cron === SWEEP_CRON) {
      const swept = await sweepUnsentDeliveries(database.db, env.WEBHOOKS_QUEUE);
      if (swept > 0) log.warn("system", "webhook.swept", { deliveries: swept });
      return { swept };
    }
    const purged = await purgeExpired(database.db);
    const events = await pruneEvents(database.db, config.events.retentionDays);
    log.info("system", "maintenance.purged", { notes: purged.notes, idempotency_keys: purged.keys, events });
    if (purged.notes > 0) log.info("audit", "note.purged_by_retention", { count: purged.notes });
    return { ...purged, events };
  } catch (error) {
    log.error("error", "maintenance.failed", { error: describeError(error) });
    throw error;
  } finally {
    await database.close();
  }
}
