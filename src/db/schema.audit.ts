/** The audit trail an account reads at GET /me/audit (and admins at GET /admin/audit). */
import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./schema.accounts.ts";

export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey(),
    /** The account the event is about; null for a failed login naming no account. */
    userId: uuid("user_id").references(() => users.id, { onDelete: "cascade" }),
    type: text("type").notNull(),
    /** The credential that acted: a session (refresh-token family), an API key, or none (a login attempt). */
    credential: text("credential", { enum: ["session", "api_key", "none"] }).notNull(),
    credentialId: uuid("credential_id"),
    /** Another account that acted on this one (an administrator), else null. */
    actorId: uuid("actor_id").references(() => users.id, { onDelete: "set null" }),
    /** The client address as the logs store it (`c.var.client.ip`: whole, "unknown" or "invalid"). */
    ip: text("ip").notNull(),
    details: jsonb("details").notNull().default(sql`'{}'::jsonb`),
    // Millisecond precision: (created_at, id) is the keyset-cursor position.
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 })
      .notNull()
      .defaultNow(),
  },
  (table) => [
    index("audit_events_user_idx").on(table.userId, table.createdAt, table.id),
    index("audit_events_created_idx").on(table.createdAt, table.id),
  ],
);
