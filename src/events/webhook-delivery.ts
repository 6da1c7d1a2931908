import { sql } from "drizzle-orm";
import type { AppConfig } from "../config.ts";
import { type Database, queryRows } from "../db/client.ts";
import { describeError } from "../lib/describe-error.ts";
import { toIsoString } from "../lib/time.ts";

import { webhookHeaders } from "./webhook-signing.ts";
import { urlPolicy, webhookUrlProblem } from "./webhook-url.ts";

/** A receiver gets this long to answer; a slower one counts as a failed attempt. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** An attempt's claim: no other consumer takes the delivery before it passes. */
const CLAIM_SECONDS = 60;
/** Deliveries in a row that exhaust every retry before the endpoint is disabled. */
export const FAILURES_BEFORE_DISABLE = 3;

export type AttemptOutcome =
  | { outcome: "delivered" | "dropped" }
  | { outcome: "retry"; delaySeconds: number };

interface ClaimedDelivery extends Record<string, unknown> {
  id: string;
  event_id: string;
  url: string;
  secret: string;
  endpoint_disabled: boolean;
  type: string;
  resource_type: string;
  resource_id: string;
  payload: Record<string, unknown>;
  created_at: string;
}

/**
 * Claims a delivery that is neither delivered nor dead nor being attempted: only one
 * consumer can hold it, so at most one attempt runs at a time and none after a success.
 */
async function claim(db: Database, id: string): Promise<ClaimedDelivery | "busy" | undefined> {
  const [row] = await queryRows<ClaimedDelivery>(
    db,
    sql`UPDATE webhook_deliveries d
        SET claimed_until = now() + make_interval(secs => ${CLAIM_SECONDS}), attempts = d.attempts + 1,
            last_attempt_at = now()
        FROM webhook_endpoints w, events e
        WHERE d.id = ${id} AND w.id = d.endpoint_id AND e.id = d.event_id
          AND d.status IN ('pending', 'failed') AND (d.claimed_until IS NULL OR d.claimed_until < now())
        RETURNING d.id, d.event_id, w.url, w.secret, w.disabled_at IS NOT NULL AS endpoint_disabled,
                  e.type, e.resource_type, e.resource_id, e.payload, e.created_at`,
  );
  if (row) return row;
  const [held] = await queryRows(
    db,
    sql`SELECT 1 FROM webhook_deliveries WHERE id = ${id} AND status IN ('pending', 'failed')`,
  );
  return held ? "busy" : undefined;
}

async function settle(
  db: Database,
  id: string,
  status: "delivered" | "failed" | "dead",
  result: { code: number | null; error: string | null },
  retryInSeconds: number | null = null,
) {
  await queryRows(
    db,
    sql`WITH settled AS (
          UPDATE webhook_deliveries SET status = ${status}, claimed_until = NULL,
            last_status_code = ${result.code}, last_error = ${result.error},
            delivered_at = CASE WHEN ${status} = 'delivered' THEN now() END,
            next_attempt_at = now() + make_interval(secs => ${retryInSeconds}::int)
          WHERE id = ${id} RETURNING endpoint_id
        )
        UPDATE webhook_endpoints SET consecutive_failures = 0
        WHERE ${status} = 'delivered' AND id IN (SELECT endpoint_id FROM settled) AND consecutive_failures <> 0`,
  );
}

/** The body every delivery carries: Standard Webhooks' `{type, timestamp, data}`, `data` being the event as GET /events lists it. */
export function deliveryBody(row: ClaimedDelivery): string {
  const createdAt = toIsoString(row.created_at);
  return JSON.stringify({
    type: row.type,
    timestamp: createdAt,
    data: {
      id: row.event_id,
      type: row.type,
      created_at: createdAt,
      resource: { type: row.resource_type, id: row.resource_id },
      data: row.payload,
    },
  });
}

/**
 * Attempt `attempt` (the queue's count, from 1) of one delivery. `retry`: the queue should try
 * again after `delaySeconds`; `delivered` and `dropped` (gone, dead, refused URL, endpoint
 * disabled) end it.
 */
export async function attemptDelivery(
  db: Database,
  config: AppConfig,
  id: string,
  attempt: number,
): Promise<AttemptOutcome> {
  const delaySeconds = retryDelaySeconds(attempt, config.events.retryBaseSeconds);
  const claimed = await claim(db, id);
  // Another consumer holds it: look again once its claim has passed.
  if (claimed === "busy") return { outcome: "retry", delaySeconds: CLAIM_SECONDS };
  if (!claimed) return { outcome: "dropped" };
  if (claimed.endpoint_disabled && claimed.type !== "webhook.ping") {
    await settle(db, id, "dead", { code: null, error: "The endpoint is disabled." });
    return { outcome: "dropped" };
  }
  // Checked again at delivery: the policy may have tightened since the endpoint was saved.
  const refused = webhookUrlProblem(claimed.url, urlPolicy(config));
  if (refused) {
    await settle(db, id, "dead", { code: null, error: `URL refused: ${refused}` });
    return { outcome: "dropped" };
  }
  const body = deliveryBody(claimed);
  let result: { code: number | null; error: string | null };
  try {
    const response = await fetch(claimed.url, {
      method: "POST",
      headers: await webhookHeaders(claimed.secret, claimed.event_id, body),
      body,
      // A redirect could point anywhere, internal addresses included: it is a failure.
      redirect: "manual",
      signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
    });
    await response.body?.cancel();
    result = { code: response.status, error: response.ok ? null : `HTTP ${response.status}` };
  } catch (error) {
    // Shown to the endpoint's owner: what failed (timeout, refused connection), never our internals.
    const { type, message } = describeError(error);
    result = { code: null, error: `${type}: ${message}`.slice(0, 300) };
  }
  const delivered = result.code !== null && result.code >= 200 && result.code < 300;
  if (delivered) {
    await settle(db, id, "delivered", result);
    return { outcome: "delivered" };
  }
  await settle(db, id, "failed", result, delaySeconds);
  return { outcome: "retry", delaySeconds };
}

/**
 * A delivery whose every retry failed (it reached the dead-letter queue): marked dead, and
 * its endpoint disabled with the reason once FAILURES_BEFORE_DISABLE die in a row.
 */
export async function buryDelivery(db: Database, id: string): Promise<void> {
  await queryRows(
    db,
    sql`WITH dead AS (
          UPDATE webhook_deliveries SET status = 'dead', claimed_until = NULL
          WHERE id = ${id} AND status <> 'delivered' RETURNING endpoint_id, last_error
        )
        UPDATE webhook_endpoints w SET
          consecutive_failures = w.consecutive_failures + 1,
          disabled_at = CASE WHEN w.consecutive_failures + 1 >= ${FAILURES_BEFORE_DISABLE} AND w.disabled_at IS NULL
                             THEN now() ELSE w.disabled_at END,
          disabled_reason = CASE WHEN w.consecutive_failures + 1 >= ${FAILURES_BEFORE_DISABLE} AND w.disabled_at IS NULL
                             THEN ${`${FAILURES_BEFORE_DISABLE} deliveries in a row failed every retry; last error: `} || coalesce(dead.last_error, 'unknown')
                             ELSE w.disabled_reason END
        FROM dead WHERE w.id = dead.endpoint_id`,
  );
}

/** Retry delays grow 4× per attempt from the base, capped at the queue's 12-hour maximum. */
export function retryDelaySeconds(attempt: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 4 ** Math.max(attempt - 1, 0), 12 * 3600);
}
