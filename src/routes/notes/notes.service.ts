import { type SQL, sql } from "drizzle-orm";
import type { ActingCredential } from "../../audit/audit-event.ts";
import { createdByDto } from "../../audit/created-by.schema.ts";
import { createdByValues } from "../../audit/created-by.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { type ColumnRow, columnList } from "../../db/columns.ts";
import { notes } from "../../db/schema.notes.ts";
import { recordEvent, recordEvents } from "../../events/record-event.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { toIsoOrNull, toIsoString } from "../../lib/time.ts";
import { expiredVersions, withHistory } from "./notes.history.ts";
import type { CreateNoteInput, Note, UpdateNoteInput } from "./notes.schemas.ts";

const NOTE_KEYS = [
  "id",
  "title",
  "content",
  "tags",
  "pinned",
  "archived",
  "createdAt",
  "updatedAt",
  "deletedAt",
  "version",
  "createdByCredential",
  "createdByCredentialId",
] as const;

/** The columns every note response is built from, aliased `n`. */
export const NOTE_COLUMNS = columnList(notes, "n", NOTE_KEYS);

/** A row selected with NOTE_COLUMNS, as the API shows it. */
export function noteDto(row: ColumnRow<typeof notes, (typeof NOTE_KEYS)[number]>): Note {
  return {
    id: String(row.id),
    title: String(row.title),
    content: String(row.content),
    tags: (row.tags as string[]) ?? [],
    pinned: Boolean(row.pinned),
    archived: Boolean(row.archived),
    created_at: toIsoString(row.created_at),
    updated_at: toIsoString(row.updated_at),
    deleted_at: toIsoOrNull(row.deleted_at),
    version: Number(row.version),
    created_by: createdByDto(row),
  };
}

export const textArray = (values: string[]) =>
  values.length === 0
    ? sql`'{}'::text[]`
    : sql`ARRAY[${sql.join(
        values.map((value) => sql`${value}`),
        sql`, `,
      )}]::text[]`;

/** Every write below runs in the caller's transaction (`tx`): its event is recorded in it. */
function recordNoteEvent(
  tx: Database,
  userId: string,
  type: "note.created" | "note.updated" | "note.trashed" | "note.restored",
  note: { id: string; version: number },
) {
  return recordEvent(tx, {
    accountId: userId,
    type,
    resourceId: note.id,
    payload: { id: note.id, version: note.version },
  });
}

function recordPurges(tx: Database, purged: { id: string; user_id: string }[]) {
  return recordEvents(
    tx,
    purged.map((note) => ({
      accountId: note.user_id,
      type: "note.purged" as const,
      resourceId: note.id,
      payload: { id: note.id },
    })),
  );
}

export async function createNote(
  tx: Database,
  userId: string,
  note: CreateNoteInput,
  createdBy: ActingCredential,
): Promise<Note> {
  const [row] = await queryRows(
    tx,
    sql`INSERT INTO notes AS n (id, user_id, title, content, tags, pinned, archived, created_by_credential, created_by_credential_id)
        VALUES (${uuidv7()}, ${userId}, ${note.title}, ${note.content}, ${textArray(note.tags)}, ${note.pinned}, ${note.archived},
                ${createdByValues(createdBy)})
        RETURNING ${NOTE_COLUMNS}`,
  );
  const created = noteDto(row as Record<string, unknown>);
  await recordNoteEvent(tx, userId, "note.created", created);
  return created;
}

export type IdempotentCreate =
  | { outcome: "created"; note: Note }
  | { outcome: "replayed"; note: Note; requestHash: string }
  | { outcome: "in_flight" };

/**
 * Claims the idempotency key and creates the note in one statement, so two concurrent
 * requests with the same key cannot both create: the loser's claim waits for the winner
 * and then finds the key taken. A key older than 24 h is reclaimed.
 */
export async function createNoteIdempotently(
  tx: Database,
  userId: string,
  note: CreateNoteInput,
  key: string,
  requestHash: string,
  createdBy: ActingCredential,
): Promise<IdempotentCreate> {
  const id = uuidv7();
  const rows = await queryRows(
    tx,
    sql`WITH claim AS (
          INSERT INTO note_idempotency_keys AS k (user_id, key, request_hash, note_id)
          VALUES (${userId}, ${key}, ${requestHash}, ${id})
          ON CONFLICT (user_id, key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, note_id = EXCLUDED.note_id, created_at = now()
            WHERE k.created_at < now() - interval '24 hours'
          RETURNING note_id
        ), created AS (
          INSERT INTO notes AS n (id, user_id, title, content, tags, pinned, archived, created_by_credential, created_by_credential_id)
          SELECT ${id}, ${userId}, ${note.title}, ${note.content}, ${textArray(note.tags)}, ${note.pinned}, ${note.archived},
                 ${createdByValues(createdBy)}
          FROM claim
          RETURNING ${NOTE_COLUMNS}
        ), prior AS (
          SELECT k.request_hash, ${NOTE_COLUMNS}
          FROM note_idempotency_keys k JOIN notes n ON n.id = k.note_id
          WHERE k.user_id = ${userId} AND k.key = ${key} AND NOT EXISTS (SELECT 1 FROM claim)
        )
        SELECT 'created' AS outcome, NULL AS request_hash, created.* FROM created
        UNION ALL
        SELECT 'replayed' AS outcome, prior.* FROM prior`,
  );
  const row = rows[0];
  // The winner committed after this statement's snapshot was taken: ask the client to retry.
  if (!row) return { outcome: "in_flight" };
  if (row.outcome === "created") {
    const created = noteDto(row);
    await recordNoteEvent(tx, userId, "note.created", created);
    return { outcome: "created", note: created };
  }
  return { outcome: "replayed", note: noteDto(row), requestHash: String(row.request_hash) };
}

/** Whether `key` is claimed (within its 24 h) by an earlier create of this account. */
export async function idempotencyKeyHeld(db: Database, userId: string, key: string): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`SELECT 1 FROM note_idempotency_keys
        WHERE user_id = ${userId} AND key = ${key} AND created_at >= now() - interval '24 hours'`,
  );
  return rows.length > 0;
}

export async function getNote(db: Database, userId: string, id: string): Promise<Note | undefined> {
  const [row] = await queryRows(
    db,
    sql`SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.id = ${id} AND n.user_id = ${userId}`,
  );
  return row ? noteDto(row) : undefined;
}

/** Why a conditional write matched nothing: read only on the error path. */
export async function noteState(db: Database, userId: string, id: string) {
  const [row] = await queryRows<{ trashed: boolean; version: number }>(
    db,
    sql`SELECT deleted_at IS NOT NULL AS trashed, version FROM notes WHERE id = ${id} AND user_id = ${userId}`,
  );
  return row;
}

/** The note a conditional write targets: the caller's, at a version `If-Match` named (undefined: any). */
export interface NoteTarget {
  userId: string;
  id: string;
  versions: number[] | undefined;
}

/**
 * The one row a conditional write may touch: the owner's note, in the state the write needs,
 * at the expected version. Any mismatch touches nothing; the caller then asks `noteState` why.
 */
export function ownedNoteWhere({ userId, id, versions }: NoteTarget, state: "live" | "trashed"): SQL {
  const inState = state === "live" ? sql`n.deleted_at IS NULL` : sql`n.deleted_at IS NOT NULL`;
  const atVersion =
    versions === undefined
      ? sql``
      : versions.length === 0
        ? sql` AND false`
        : sql` AND n.version IN (${sql.join(
            versions.map((version) => sql`${version}`),
            sql`, `,
          )})`;
  return sql`n.id = ${id} AND n.user_id = ${userId} AND ${inState}${atVersion}`;
}

export async function updateNote(
  tx: Database,
  target: NoteTarget,
  patch: UpdateNoteInput,
): Promise<Note | undefined> {
  const assignments: SQL[] = [sql`version = n.version + 1`, sql`updated_at = now()`];
  if (patch.title !== undefined) assignments.push(sql`title = ${patch.title}`);
  if (patch.content !== undefined) assignments.push(sql`content = ${patch.content}`);
  if (patch.tags !== undefined) assignments.push(sql`tags = ${textArray(patch.tags)}`);
  if (patch.pinned !== undefined) assignments.push(sql`pinned = ${patch.pinned}`);
  if (patch.archived !== undefined) assignments.push(sql`archived = ${patch.archived}`);
  const where = ownedNoteWhere(target, "live");
  return withHistory(tx, where, async (inner) => {
    const [row] = await queryRows(
      inner,
      sql`UPDATE notes AS n SET ${sql.join(assignments, sql`, `)} WHERE ${where} RETURNING ${NOTE_COLUMNS}`,
    );
    if (!row) return undefined;
    const updated = noteDto(row);
    await recordNoteEvent(inner, target.userId, "note.updated", updated);
    return updated;
  });
}

/** Moves a live note to the trash; false when no row matched. */
export async function trashNote(tx: Database, target: NoteTarget): Promise<boolean> {
  const where = ownedNoteWhere(target, "live");
  const trashed = await withHistory(tx, where, async (inner) => {
    const [row] = await queryRows<{ id: string; version: number }>(
      inner,
      sql`UPDATE notes AS n SET deleted_at = now(), updated_at = now(), version = n.version + 1
          WHERE ${where} RETURNING n.id, n.version`,
    );
    if (!row) return undefined;
    await recordNoteEvent(inner, target.userId, "note.trashed", row);
    return true;
  });
  return trashed === true;
}

export async function restoreNote(tx: Database, target: NoteTarget): Promise<Note | undefined> {
  const where = ownedNoteWhere(target, "trashed");
  return withHistory(tx, where, async (inner) => {
    const [row] = await queryRows(
      inner,
      sql`UPDATE notes AS n SET deleted_at = NULL, updated_at = now(), version = n.version + 1
          WHERE ${where} RETURNING ${NOTE_COLUMNS}`,
    );
    if (!row) return undefined;
    const restored = noteDto(row);
    await recordNoteEvent(inner, target.userId, "note.restored", restored);
    return restored;
  });
}

/**
 * Makes version `n`'s title, content and tags the note's again, as a new version (pinned and
 * archived stay as they are: they organise the note, they are not its text). Undefined when
 * the note did not match `target` or version `n` is not kept. Recorded as `note.updated`.
 */
export async function restoreVersion(db: Database, target: NoteTarget, n: number): Promise<Note | undefined> {
  const where = ownedNoteWhere(target, "live");
  return withHistory(db, where, async (tx) => {
    const [row] = await queryRows(
      tx,
      sql`UPDATE notes AS n SET title = v.title, content = v.content, tags = v.tags,
            updated_at = now(), version = n.version + 1
          FROM note_versions v
          WHERE ${where} AND v.note_id = n.id AND v.version = ${n}
          RETURNING ${NOTE_COLUMNS}`,
    );
    if (!row) throw new VersionNotKept(n);
    const restored = noteDto(row);
    await recordNoteEvent(tx, target.userId, "note.updated", restored);
    return restored;
  });
}

/** Thrown inside the write's transaction so the version kept for it is rolled back too. */
export class VersionNotKept extends Error {
  constructor(readonly version: number) {
    super(`Version ${version} is not kept.`);
  }
}

/** Deletes a trashed note for good; false when no row matched. */
export async function deleteNoteForever(tx: Database, target: NoteTarget): Promise<boolean> {
  const rows = await queryRows<{ id: string; user_id: string }>(
    tx,
    sql`DELETE FROM notes AS n WHERE ${ownedNoteWhere(target, "trashed")} RETURNING n.id, n.user_id`,
  );
  await recordPurges(tx, rows);
  return rows.length > 0;
}

export async function emptyTrash(tx: Database, userId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string; user_id: string }>(
    tx,
    sql`DELETE FROM notes WHERE user_id = ${userId} AND deleted_at IS NOT NULL RETURNING id, user_id`,
  );
  await recordPurges(tx, rows);
  return rows.map((row) => row.id);
}

export async function tagCounts(db: Database, userId: string) {
  const rows = await queryRows<{ tag: string; count: number }>(
    db,
    sql`SELECT tag, count(*)::int AS count
        FROM notes n, unnest(n.tags) AS tag
        WHERE n.user_id = ${userId} AND n.deleted_at IS NULL
        GROUP BY tag ORDER BY count DESC, tag ASC`,
  );
  return rows;
}

/**
 * The cron's work: trash older than 30 days (each purge recorded as `note.purged`, in the same
 * transaction), idempotency keys older than 24 hours and versions past retention.
 */
export async function purgeExpired(db: Database) {
  return db.transaction(async (tx) => {
    const purged = await queryRows<{ id: string; user_id: string }>(
      tx,
      sql`DELETE FROM notes WHERE deleted_at < now() - interval '30 days' RETURNING id, user_id`,
    );
    await recordPurges(tx, purged);
    const [row] = await queryRows<{ keys: number; versions: number }>(
      tx,
      sql`WITH keys_gone AS (
            DELETE FROM note_idempotency_keys WHERE created_at < now() - interval '24 hours' RETURNING key
          ), versions_gone AS (${expiredVersions})
          SELECT (SELECT count(*) FROM keys_gone)::int AS keys, (SELECT count(*) FROM versions_gone)::int AS versions`,
    );
    return { notes: purged.length, keys: row?.keys ?? 0, versions: row?.versions ?? 0 };
  });
}
