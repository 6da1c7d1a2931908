/** The event log's and webhooks' settings (docs/configuration.md "Settings"). */
export interface EventSettings {
  /** Events older than this are deleted by the daily cron; a cursor older than it answers 410 (`EVENTS_RETENTION_DAYS`, default 30). */
  retentionDays: number;
  /**
   * Lets an endpoint be `http://` on a loopback address (`WEBHOOK_ALLOW_LOOPBACK=true`), for a
   * receiver on the developer's machine or in tests. Ignored in staging and production.
   */
  allowLoopback: boolean;
  /** First retry delay; each later one is 4× longer, capped at 12 h (`WEBHOOK_RETRY_BASE_SECONDS`, default 60). */
  retryBaseSeconds: number;
}

type Source = Partial<Record<string, unknown>>;

function whole(value: unknown, fallback: number, min: number): number {
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed >= min ? parsed : fallback;
}

export function parseEventSettings(vars: Source, deployed: boolean): EventSettings {
  return {
    retentionDays: whole(vars.EVENTS_RETENTION_DAYS, 30, 2),
    allowLoopback: !deployed && String(vars.WEBHOOK_ALLOW_LOOPBACK ?? "").toLowerCase() === "true",
    retryBaseSeconds: whole(vars.WEBHOOK_RETRY_BASE_SECONDS, 60, 0),
  };
}
