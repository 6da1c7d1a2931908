import { type SQL, sql } from "drizzle-orm";
import type { ActingCredential } from "../../audit/audit-event.ts";
import { createdByValues } from "../../audit/created-by.ts";
import { type Database, queryRows } from "../../db/client.ts";
import type { QuotaSettings } from "../../db/quota.ts";
import { recordEvents } from "../../events/record-event.ts";
import { sha256 } from "../../lib/crypto.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { ApiError } from "../../lib/problem.ts";
import { NOTE_COLUMNS, noteDto, textArray } from "./notes.service.ts";
import type { ImportItem } from "./notes.transfer.format.ts";
import type { ExportedNote } from "./notes.transfer.schemas.ts";

/** Every note of the account, trash included, oldest first. */
export async function exportNotes(db: Database, userId: string): Promise<ExportedNote[]> {
  const rows = await queryRows(
    db,
    sql`SELECT ${NOTE_COLUMNS} FROM notes n WHERE n.user_id = ${userId} ORDER BY n.created_at, n.id`,
  );
  return rows.map((row) => {
    // Which credential created a note is this account's business, not the export file's.
    const { version: _version, created_by: _createdBy, ...note } = noteDto(row);
    return note;
  });
}

/**
 * What identifies an imported item across imports: the exported note's id, or for a file
 * without one, a hash of its title and content.
 */
export async function importKey(item: ImportItem): Promise<string> {
  return item.id ? `id:${item.id}` : `sha256:${await sha256(`${item.title}\n${item.content}`)}`;
}

export interface KeyedItem {
  index: number;
  key: string;
  item: ImportItem;
}

export type ImportResult = Map<number, { outcome: "created" | "skipped"; noteId: string }>;

const utf8 = new TextEncoder();
const storedBytes = ({ title, content, tags }: ImportItem) =>
  [title, content, ...tags].reduce((sum, text) => sum + utf8.encode(text).length, 0);
const INSERT_CHUNK = 500;

/**
 * Writes the items the account does not hold yet, all in one transaction under the quota lock:
 * an item whose key (or id) the account already holds is skipped, so importing twice changes
 * nothing. Past the quota the whole import is refused (409) and nothing is written.
 */
/** Imported notes record the importing credential as their creator (not the exported one's). */
export async function importNotes(
  tx: Database,
  userId: string,
  quotas: QuotaSettings,
  items: KeyedItem[],
  createdBy: ActingCredential,
) {
  const result: ImportResult = new Map();
  if (items.length === 0) return result;
  const held = new Map<string, string>();
  const keys = items.map(({ key }) => sql`${key}`);
  const ids = items.flatMap(({ item }) => (item.id ? [sql`${item.id}::uuid`] : []));
  const existing = await queryRows<{ id: string; import_key: string | null }>(
    tx,
    sql`SELECT id, import_key FROM notes WHERE user_id = ${userId}
        AND (import_key IN (${sql.join(keys, sql`, `)})${ids.length ? sql` OR id IN (${sql.join(ids, sql`, `)})` : sql``})`,
  );
  for (const row of existing) held.set(row.import_key ?? `id:${row.id}`, row.id);
  const fresh: (KeyedItem & { id: string })[] = [];
  // An item repeated within this import finds the note its first copy creates.
  for (const entry of items) {
    const noteId = held.get(entry.key);
    if (noteId) result.set(entry.index, { outcome: "skipped", noteId });
    else {
      const id = uuidv7();
      held.set(entry.key, id);
      fresh.push({ ...entry, id });
    }
  }
  await requireImportRoom(
    tx,
    userId,
    quotas,
    fresh.map(({ item }) => item),
  );
  for (let at = 0; at < fresh.length; at += INSERT_CHUNK) {
    const chunk = fresh.slice(at, at + INSERT_CHUNK);
    const values: SQL[] = chunk.map(({ id, key, item }) => {
      const created = item.created_at ?? null;
      return sql`(${id}::uuid, ${userId}::uuid, ${item.title}, ${item.content}, ${textArray(item.tags)},
        ${item.pinned}, ${item.archived}, coalesce(${created}::timestamptz, now()),
        coalesce(${item.updated_at ?? null}::timestamptz, ${created}::timestamptz, now()),
        ${item.deleted_at}::timestamptz, ${key}, ${createdByValues(createdBy)})`;
    });
    await tx.execute(
      sql`INSERT INTO notes (id, user_id, title, content, tags, pinned, archived, created_at, updated_at, deleted_at, import_key,
                          created_by_credential, created_by_credential_id)
          VALUES ${sql.join(values, sql`, `)}`,
    );
    for (const { index, id } of chunk) result.set(index, { outcome: "created", noteId: id });
    // Imported notes start at version 1, as any created note does.
    await recordEvents(
      tx,
      chunk.map(({ id }) => ({
        accountId: userId,
        type: "note.created" as const,
        resourceId: id,
        payload: { id, version: 1 },
      })),
    );
  }
  return result;
}

/** The quota check of a whole import: its notes together must fit, by count and by bytes. */
async function requireImportRoom(tx: Database, userId: string, quotas: QuotaSettings, items: ImportItem[]) {
  if (items.length === 0) return;
  const [usage] = await queryRows<{ notes: number; bytes: string }>(
    tx,
    sql`SELECT count(*)::int AS notes,
          coalesce(sum(octet_length(title) + octet_length(content) + coalesce(octet_length(array_to_string(tags, '')), 0)), 0)::bigint AS bytes
        FROM notes WHERE user_id = ${userId}`,
  );
  const notes = usage?.notes ?? 0;
  const bytes = Number(usage?.bytes ?? 0);
  const adding = items.reduce((sum, item) => sum + storedBytes(item), 0);
  if (notes + items.length > quotas.notes || bytes + adding > quotas.noteBytes) {
    throw new ApiError("quota-exceeded", {
      detail: `This import would take the account past its quota (${quotas.notes} notes, ${quotas.noteBytes} bytes, trash included); nothing was imported.`,
      extensions: {
        quota: notes + items.length > quotas.notes ? "notes" : "note_bytes",
        adding_notes: items.length,
        adding_bytes: adding,
      },
    });
  }
}
