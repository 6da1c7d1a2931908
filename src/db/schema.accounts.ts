/** Accounts and their credentials: users, refresh-token families and API keys. */
import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { API_KEY_SCOPES } from "../auth/scopes.ts";

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
};

export const users = pgTable(
  "users",
  {
    id: uuid("id").primaryKey(),
    /** Trimmed, NFC-normalised and lower-cased before it is stored, so unique means unique. */
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    displayName: text("display_name").notNull(),
    role: text("role", { enum: ["user", "admin"] })
      .notNull()
      .default("user"),
    disabledAt: timestamp("disabled_at", { withTimezone: true, mode: "date" }),
    ...timestamps,
  },
  (table) => [uniqueIndex("users_email_key").on(table.email)],
);

/** Opaque refresh tokens, stored as SHA-256 hashes. One family per login; rotation stays in it. */
export const refreshTokens = pgTable(
  "refresh_tokens",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    familyId: uuid("family_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    /** Set when the token is exchanged; presenting it again is reuse. */
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    uniqueIndex("refresh_tokens_hash_key").on(table.tokenHash),
    index("refresh_tokens_family_idx").on(table.familyId),
    index("refresh_tokens_user_idx").on(table.userId),
  ],
);

/** Personal API keys: only the SHA-256 of the key is kept; `prefix` lets users tell keys apart. */
export const apiKeys = pgTable(
  "api_keys",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    prefix: text("prefix").notNull(),
    keyHash: text("key_hash").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true, mode: "date" }),
    /** The client address of the last use, as the logs store it (`c.var.client.ip`). */
    lastUsedIp: text("last_used_ip"),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    /**
     * What the key may do (src/auth/scopes.ts). The default is every scope, so keys made
     * before scopes existed keep the rights they had; creation always names its scopes.
     */
    scopes: text("scopes")
      .array()
      .notNull()
      .default(sql.raw(`ARRAY[${API_KEY_SCOPES.map((scope) => `'${scope}'`).join(", ")}]::text[]`)),
    /** After a rotation the old secret still works until `previous_valid_until` (the overlap). */
    previousKeyHash: text("previous_key_hash"),
    previousValidUntil: timestamp("previous_valid_until", { withTimezone: true, mode: "date" }),
    rotatedAt: timestamp("rotated_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    uniqueIndex("api_keys_hash_key").on(table.keyHash),
    index("api_keys_previous_hash_idx").on(table.previousKeyHash).where(sql`previous_key_hash IS NOT NULL`),
    index("api_keys_user_idx").on(table.userId).where(sql`revoked_at IS NULL`),
  ],
);

/**
 * Requests per key per hour: one row per key and hour, bumped in the statement that resolves
 * the key, so "requests over the last day" is a sum of at most 25 rows, never a row per request.
 */
export const apiKeyUsage = pgTable(
  "api_key_usage",
  {
    keyId: uuid("key_id")
      .notNull()
      .references(() => apiKeys.id, { onDelete: "cascade" }),
    hour: timestamp("hour", { withTimezone: true, mode: "date" }).notNull(),
    requests: integer("requests").notNull().default(0),
  },
  (table) => [
    primaryKey({ columns: [table.keyId, table.hour] }),
    index("api_key_usage_hour_idx").on(table.hour),
  ],
);
