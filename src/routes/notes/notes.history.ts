/**
 * Note history: every write that bumps a note's `version` first copies the row as it was into
 * `note_versions`, inside the write's own transaction, so a version is kept exactly when the
 * change commits. Retention is bounded twice: the newest `VERSIONS_KEPT_PER_NOTE` of a note
 * (pruned by the write that adds one) and `VERSION_MAX_AGE_DAYS` since a version was replaced
 * (pruned by the daily cron). Purging a note deletes its history (foreign key cascade).
 */
import { type SQL, sql } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client.ts";
import { type KeysetPage, pageOf } from "../../lib/pagination.ts";
import { toIsoString } from "../../lib/time.ts";
import { VERSION_MAX_AGE_DAYS, VERSIONS_KEPT_PER_NOTE } from "./notes.retention.ts";
import type { NoteVersion, NoteVersionSummary } from "./notes.versions.schemas.ts";

/**
 * Runs `write` after keeping the note's current state as a version, all in one transaction.
 * The copy locks the row (`FOR UPDATE`), so a concurrent write waits and the kept version is
 * always the one `write` replaces. Nothing matched (`undefined`): nothing is written.
 */
export function withHistory<T>(
  db: Database,
  /** The one row the write may touch (`ownedNoteWhere` in notes.service.ts). */
  where: SQL,
  write: (tx: Database) => Promise<T | undefined>,
): Promise<T | undefined> {
  return db.transaction(async (txn) => {
    const tx = txn as unknown as Database;
    const [kept] = await queryRows<{ note_id: string; version: number }>(
      tx,
      sql`INSERT INTO note_versions AS v (note_id, version, user_id, title, content, tags, pinned, archived, trashed, edited_at)
          SELECT n.id, n.version, n.user_id, n.title, n.content, n.tags, n.pinned, n.archived,
                 n.deleted_at IS NOT NULL, n.updated_at
          FROM notes n WHERE ${where} FOR UPDATE
          RETURNING v.note_id, v.version`,
    );
    if (!kept) return undefined;
    const result = await write(tx);
    await tx.execute(
      sql`DELETE FROM note_versions
          WHERE note_id = ${kept.note_id} AND version <= ${kept.version - VERSIONS_KEPT_PER_NOTE}`,
    );
    return result;
  });
}

/** The cron's share: versions replaced longer ago than the age bound. */
export const expiredVersions = sql`DELETE FROM note_versions
  WHERE replaced_at < now() - make_interval(days => ${VERSION_MAX_AGE_DAYS}) RETURNING version`;

const SUMMARY_COLUMNS = sql`v.version, v.title, v.tags, v.pinned, v.archived, v.trashed,
  octet_length(v.content) AS content_bytes, v.edited_at, v.replaced_at, v.user_id`;

function summaryDto(row: Record<string, unknown>): NoteVersionSummary {
  return {
    version: Number(row.version),
    title: String(row.title),
    tags: (row.tags as string[]) ?? [],
    pinned: Boolean(row.pinned),
    archived: Boolean(row.archived),
    trashed: Boolean(row.trashed),
    content_bytes: Number(row.content_bytes),
    edited_at: toIsoString(row.edited_at),
    replaced_at: row.replaced_at == null ? null : toIsoString(row.replaced_at),
    author_id: String(row.user_id),
  };
}

/** One page of a note's kept versions, newest first; undefined when the note is not the caller's. */
export async function listVersions(
  db: Database,
  userId: string,
  noteId: string,
  limit: number,
  before: number | undefined,
): Promise<KeysetPage<NoteVersionSummary, number> | undefined> {
  const rows = await queryRows(
    db,
    sql`SELECT n.id AS note_found, ${SUMMARY_COLUMNS}
        FROM notes n LEFT JOIN LATERAL (
          SELECT * FROM note_versions v
          WHERE v.note_id = n.id ${before === undefined ? sql`` : sql`AND v.version < ${before}`}
          ORDER BY v.version DESC LIMIT ${limit + 1}
        ) v ON true
        WHERE n.id = ${noteId} AND n.user_id = ${userId}
        ORDER BY v.version DESC`,
  );
  if (rows.length === 0) return undefined;
  const versions = rows.filter((row) => row.version != null).map(summaryDto);
  return pageOf(versions, limit, (version) => version.version);
}

/**
 * Version `n` of the caller's note: a kept one, or the current state when `n` is the note's
 * version now (so a client can always fetch the base it edited from while it is kept).
 */
export async function getVersion(
  db: Database,
  userId: string,
  noteId: string,
  n: number,
): Promise<NoteVersion | undefined> {
  const [row] = await queryRows(
    db,
    sql`SELECT ${SUMMARY_COLUMNS}, v.content FROM note_versions v
        WHERE v.note_id = ${noteId} AND v.user_id = ${userId} AND v.version = ${n}
        UNION ALL
        SELECT n.version, n.title, n.tags, n.pinned, n.archived, n.deleted_at IS NOT NULL,
               octet_length(n.content), n.updated_at, NULL, n.user_id, n.content
        FROM notes n WHERE n.id = ${noteId} AND n.user_id = ${userId} AND n.version = ${n}`,
  );
  return row ? { ...summaryDto(row), content: String(row.content) } : undefined;
}
