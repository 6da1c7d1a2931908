/** Notes and the idempotency keys of their creation. */
import { type SQL, sql } from "drizzle-orm";
import {
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./schema.accounts.ts";
import { createdByColumns } from "./schema.created-by.ts";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const notes = pgTable(
  "notes",
  {
    id: uuid("id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    content: text("content").notNull().default(""),
    /** Lower-cased, trimmed, de-duplicated; at most 20. */
    tags: text("tags").array().notNull().default(sql`'{}'::text[]`),
    pinned: boolean("pinned").notNull().default(false),
    archived: boolean("archived").notNull().default(false),
    // Millisecond precision: timestamps are keyset-cursor positions, and a JS Date
    // round-trips milliseconds exactly (microseconds would be truncated into gaps).
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 })
      .notNull()
      .defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date", precision: 3 })
      .notNull()
      .defaultNow(),
    /** Set when moved to the trash; the cron purges rows trashed over 30 days ago. */
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date", precision: 3 }),
    /**
     * Where an imported note came from (`id:<uuid>` of the exported note, or `sha256:<hash>` of
     * a file without one): re-importing the same item finds it here instead of duplicating it.
     */
    importKey: text("import_key"),
    /** Bumped on every change; the ETag is derived from it. */
    version: integer("version").notNull().default(1),
    ...createdByColumns(),
    /** Title outweighs content in ranking; kept by Postgres so it can never drift. */
    search: tsvector("search")
      .notNull()
      .generatedAlwaysAs(
        (): SQL =>
          sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(content, '')), 'B')`,
      ),
  },
  (table) => [
    index("notes_user_created_idx").on(table.userId, table.createdAt, table.id),
    index("notes_user_updated_idx").on(table.userId, table.updatedAt, table.id),
    index("notes_user_title_idx").on(table.userId, table.title, table.id),
    index("notes_search_idx").using("gin", table.search),
    index("notes_tags_idx").using("gin", table.tags),
    index("notes_title_trgm_idx").using("gin", sql`${table.title} gin_trgm_ops`),
    index("notes_content_trgm_idx").using("gin", sql`${table.content} gin_trgm_ops`),
    index("notes_trash_idx").on(table.deletedAt).where(sql`deleted_at IS NOT NULL`),
    uniqueIndex("notes_user_import_key_idx")
      .on(table.userId, table.importKey)
      .where(sql`import_key IS NOT NULL`),
  ],
);

/** `Idempotency-Key` records for POST /notes: a key is claimed in the same statement that creates the note. */
export const noteIdempotencyKeys = pgTable(
  "note_idempotency_keys",
  {
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    noteId: uuid("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.userId, table.key] }),
    index("note_idempotency_created_idx").on(table.createdAt),
  ],
);

/**
 * Earlier versions of notes: every write that bumps `notes.version` first copies the row as it
 * was, in the same transaction (notes.history.ts). Bounded per note by count and by age
 * (docs/notes.md "History"); purging a note deletes its history with it.
 */
export const noteVersions = pgTable(
  "note_versions",
  {
    noteId: uuid("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    /** The note's `version` while it held this state. */
    version: integer("version").notNull(),
    /** The owner: the only account that writes a note, so also the version's author. */
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title").notNull(),
    content: text("content").notNull(),
    tags: text("tags").array().notNull(),
    pinned: boolean("pinned").notNull(),
    archived: boolean("archived").notNull(),
    trashed: boolean("trashed").notNull(),
    /** When this version was written (the note's `updated_at` then). */
    editedAt: timestamp("edited_at", { withTimezone: true, mode: "date", precision: 3 }).notNull(),
    /** When a later write replaced it; retention by age counts from here. */
    replacedAt: timestamp("replaced_at", { withTimezone: true, mode: "date", precision: 3 })
      .notNull()
      .defaultNow(),
  },
  (table) => [
    primaryKey({ columns: [table.noteId, table.version] }),
    index("note_versions_replaced_idx").on(table.replacedAt),
  ],
);

/** Read-only share links: only a hash of the token is kept; revoking deletes the row. */
export const noteShares = pgTable(
  "note_shares",
  {
    id: uuid("id").primaryKey(),
    noteId: uuid("note_id")
      .notNull()
      .references(() => notes.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    tokenHash: text("token_hash").notNull().unique(),
    /** The token's first characters, so the owner can tell links apart in a list. */
    prefix: text("prefix").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date", precision: 3 })
      .notNull()
      .defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date", precision: 3 }),
    lastAccessedAt: timestamp("last_accessed_at", { withTimezone: true, mode: "date", precision: 3 }),
    accessCount: integer("access_count").notNull().default(0),
  },
  (table) => [index("note_shares_note_idx").on(table.noteId)],
);
