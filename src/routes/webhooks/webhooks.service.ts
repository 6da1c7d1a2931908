import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client.ts";
import { noteDeliveries } from "../../events/outbox.ts";
import { recordEvent } from "../../events/record-event.ts";
import { newWebhookSecret } from "../../events/webhook-signing.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { toIsoOrNull, toIsoString } from "../../lib/time.ts";
import type { Delivery, UpdateWebhookInput, Webhook } from "./webhooks.schemas.ts";

/** Endpoints per account: each one multiplies every event into a delivery. */
export const WEBHOOKS_PER_ACCOUNT = 10;

const ENDPOINT_COLUMNS = sql`w.id, w.url, w.event_types, w.description, w.disabled_at, w.disabled_reason, w.created_at, w.updated_at`;

function webhookDto(row: Record<string, unknown>): Webhook {
  return {
    id: String(row.id),
    url: String(row.url),
    event_types: row.event_types as string[],
    description: String(row.description),
    enabled: row.disabled_at === null,
    disabled_at: toIsoOrNull(row.disabled_at),
    disabled_reason: (row.disabled_reason as string | null) ?? null,
    created_at: toIsoString(row.created_at),
    updated_at: toIsoString(row.updated_at),
  };
}

const textArray = (values: string[]) => `{${values.join(",")}}`;

/** Creates the endpoint unless the account already has its quota of them (then undefined). */
export async function createWebhook(
  db: Database,
  accountId: string,
  input: { url: string; event_types: string[]; description: string },
): Promise<(Webhook & { secret: string }) | undefined> {
  const secret = newWebhookSecret();
  const [row] = await queryRows(
    db,
    sql`INSERT INTO webhook_endpoints AS w (id, account_id, url, event_types, description, secret)
        SELECT ${uuidv7()}, ${accountId}, ${input.url}, ${textArray(input.event_types)}::text[], ${input.description}, ${secret}
        WHERE (SELECT count(*) FROM webhook_endpoints WHERE account_id = ${accountId}) < ${WEBHOOKS_PER_ACCOUNT}
        RETURNING ${ENDPOINT_COLUMNS}`,
  );
  return row ? { ...webhookDto(row), secret } : undefined;
}

export async function listWebhooks(db: Database, accountId: string): Promise<Webhook[]> {
  const rows = await queryRows(
    db,
    sql`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints w WHERE w.account_id = ${accountId} ORDER BY w.id`,
  );
  return rows.map(webhookDto);
}

export async function getWebhook(db: Database, accountId: string, id: string): Promise<Webhook | undefined> {
  const [row] = await queryRows(
    db,
    sql`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints w WHERE w.id = ${id} AND w.account_id = ${accountId}`,
  );
  return row ? webhookDto(row) : undefined;
}

export async function updateWebhook(
  db: Database,
  accountId: string,
  id: string,
  patch: UpdateWebhookInput,
): Promise<Webhook | undefined> {
  const set = [sql`updated_at = now()`];
  if (patch.url !== undefined) set.push(sql`url = ${patch.url}`);
  if (patch.event_types !== undefined) set.push(sql`event_types = ${textArray(patch.event_types)}::text[]`);
  if (patch.description !== undefined) set.push(sql`description = ${patch.description}`);
  if (patch.enabled === true) {
    set.push(sql`disabled_at = NULL, disabled_reason = NULL, consecutive_failures = 0`);
  } else if (patch.enabled === false) {
    set.push(
      sql`disabled_at = coalesce(w.disabled_at, now()), disabled_reason = coalesce(w.disabled_reason, 'Paused by the owner.')`,
    );
  }
  const [row] = await queryRows(
    db,
    sql`UPDATE webhook_endpoints AS w SET ${sql.join(set, sql`, `)}
        WHERE w.id = ${id} AND w.account_id = ${accountId} RETURNING ${ENDPOINT_COLUMNS}`,
  );
  return row ? webhookDto(row) : undefined;
}

export async function deleteWebhook(db: Database, accountId: string, id: string): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`DELETE FROM webhook_endpoints WHERE id = ${id} AND account_id = ${accountId} RETURNING id`,
  );
  return rows.length > 0;
}

/**
 * Records a `webhook.ping` event and its one delivery, to this endpoint only (no endpoint
 * subscribes to pings). A disabled endpoint is pinged too: that is how its owner checks a fix.
 */
export async function pingWebhook(db: Database, accountId: string, id: string) {
  return db.transaction(async (tx) => {
    const [owned] = await queryRows(
      tx,
      sql`SELECT 1 FROM webhook_endpoints WHERE id = ${id} AND account_id = ${accountId}`,
    );
    if (!owned) return undefined;
    const eventId = await recordEvent(tx, {
      accountId,
      type: "webhook.ping",
      resourceId: id,
      payload: { endpoint_id: id },
    });
    const [delivery] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO webhook_deliveries (endpoint_id, event_id) VALUES (${id}, ${eventId}) RETURNING id`,
    );
    const deliveryId = String(delivery?.id);
    noteDeliveries([deliveryId]);
    return { event_id: eventId, delivery_id: deliveryId };
  });
}

/** The endpoint's latest deliveries, newest first (undefined: not the caller's endpoint). */
export async function listDeliveries(
  db: Database,
  accountId: string,
  id: string,
  limit: number,
): Promise<Delivery[] | undefined> {
  if (!(await getWebhook(db, accountId, id))) return undefined;
  const rows = await queryRows(
    db,
    sql`SELECT d.id, d.event_id, e.type, d.status, d.attempts, d.last_status_code, d.last_error,
               d.created_at, d.last_attempt_at, d.delivered_at, d.next_attempt_at
        FROM webhook_deliveries d JOIN events e ON e.id = d.event_id
        WHERE d.endpoint_id = ${id} ORDER BY d.created_at DESC, d.id DESC LIMIT ${limit}`,
  );
  return rows.map((row) => ({
    id: String(row.id),
    event_id: String(row.event_id),
    event_type: String(row.type),
    status: row.status as Delivery["status"],
    attempts: Number(row.attempts),
    last_status_code: row.last_status_code === null ? null : Number(row.last_status_code),
    last_error: (row.last_error as string | null) ?? null,
    created_at: toIsoString(row.created_at),
    last_attempt_at: toIsoOrNull(row.last_attempt_at),
    delivered_at: toIsoOrNull(row.delivered_at),
    next_attempt_at: row.status === "failed" ? toIsoOrNull(row.next_attempt_at) : null,
  }));
}
