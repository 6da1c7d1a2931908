/** The event log (a transactional outbox) and the webhook endpoints and deliveries fed from it. */
import { sql } from "drizzle-orm";
import {
  bigint,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./schema.accounts.ts";

/**
 * A 64-bit transaction id. Events are ordered by the id of the transaction that wrote them:
 * a reader only sees transactions older than every one still running
 * (`pg_snapshot_xmin(pg_current_snapshot())`), so a cursor never skips an event that commits
 * after a later-numbered one was read (docs/events.md "Cursor").
 */
const xid8 = customType<{ data: string }>({ dataType: () => "xid8" });

export const events = pgTable(
  "events",
  {
    id: uuid("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    txId: xid8("tx_id").notNull().default(sql`pg_current_xact_id()`),
    /** Orders the events of one transaction. */
    seq: bigint("seq", { mode: "number" }).generatedAlwaysAsIdentity(),
    type: text("type").notNull(),
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id").notNull(),
    payload: jsonb("payload").notNull().default(sql`'{}'::jsonb`),
    /** Set on coalesced events: a second event with the same key is not written (record-event.ts). */
    coalesceKey: text("coalesce_key"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 })
      .notNull()
      .defaultNow(),
  },
  (table) => [
    index("events_account_position_idx").on(table.accountId, table.txId, table.seq),
    index("events_created_idx").on(table.createdAt),
    uniqueIndex("events_coalesce_key").on(table.coalesceKey),
  ],
);

/** Where an account wants its events pushed; the secret signs every delivery (shown once). */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey(),
    accountId: uuid("account_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    url: text("url").notNull(),
    eventTypes: text("event_types").array().notNull(),
    description: text("description").notNull().default(""),
    /** `whsec_<base64>` (Standard Webhooks); read only to sign. */
    secret: text("secret").notNull(),
    /** Deliveries in a row that failed every retry; a success resets it. */
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
    disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
    disabledReason: text("disabled_reason"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [index("webhook_endpoints_account_idx").on(table.accountId)],
);

/**
 * One row per endpoint and event, created in the event's own transaction (so the row is the
 * outbox entry the queue drains) and claimed before each attempt, so two consumers can never
 * both deliver it: at most one successful delivery per endpoint and event.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().default(sql`gen_random_uuid()`),
    endpointId: uuid("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    eventId: uuid("event_id")
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    status: text("status", { enum: ["pending", "delivered", "failed", "dead"] })
      .notNull()
      .default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** Set while an attempt runs; another consumer does not claim the row before it passes. */
    claimedUntil: timestamp("claimed_until", { withTimezone: true, mode: "date" }),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 })
      .notNull()
      .defaultNow(),
    lastAttemptAt: timestamp("last_attempt_at", { withTimezone: true, mode: "date", precision: 3 }),
    deliveredAt: timestamp("delivered_at", { withTimezone: true, mode: "date", precision: 3 }),
    /** When the queue will try a failed delivery again (the retry delay the consumer chose). */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true, mode: "date", precision: 3 }),
  },
  (table) => [
    uniqueIndex("webhook_deliveries_endpoint_event_key").on(table.endpointId, table.eventId),
    index("webhook_deliveries_endpoint_created_idx").on(table.endpointId, table.createdAt),
    index("webhook_deliveries_unsent_idx")
      .on(table.createdAt)
      .where(sql`status = 'pending' AND attempts = 0`),
  ],
);
