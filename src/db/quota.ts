import { sql } from "drizzle-orm";
import { ApiError } from "../lib/problem.ts";
import { type Database, queryRows } from "./client.ts";

/**
 * What one account may keep stored. Notes are counted with the trash (a trashed note is
 * stored until the trash is emptied or the 30-day purge), by number and by bytes of title,
 * content and tags as UTF-8; polls by number of live (undeleted) polls. Admins are held to the
 * same limits: the quota guards storage, not permissions.
 */
export interface QuotaSettings {
  /** `QUOTA_NOTES` (default 10,000). */
  notes: number;
  /** `QUOTA_NOTE_BYTES` (default 50 MiB). */
  noteBytes: number;
  /** `QUOTA_POLLS` (default 500). */
  polls: number;
}

const utf8 = new TextEncoder();
const bytesOf = (texts: string[]) => texts.reduce((sum, text) => sum + utf8.encode(text).length, 0);

/** A note's stored text as the quota counts it: title, content and tags as UTF-8. */
const titleBytes = sql`octet_length(n.title)`;
const contentBytes = sql`octet_length(n.content)`;
const tagBytes = sql`coalesce(octet_length(array_to_string(n.tags, '')), 0)`;

/** The fields a note write stores; on an edit, those left out keep their stored size. */
export type NoteText = Partial<{ title: string; content: string; tags: string[] }>;

/**
 * Runs `work` in a transaction that holds the account's quota lock. A single statement
 * cannot check and write race-free under READ COMMITTED (its count comes from a snapshot
 * taken before any lock it waits for), so the lock is its own statement and the check that
 * follows sees every write committed before it: concurrent creates never overshoot. The lock
 * is an advisory one on the account, so it blocks nothing but other quota-guarded writes.
 *
 * @example await withQuotaLock(db, userId, async (tx) => { await requirePollRoom(tx, userId, quotas); … })
 */
export function withQuotaLock<T>(
  db: Database,
  userId: string,
  work: (tx: Database) => Promise<T>,
): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${`quota:${userId}`}, 0))`);
    return work(tx as unknown as Database);
  });
}

function quotaExceeded(
  quota: "notes" | "note_bytes" | "polls",
  limit: number,
  used: number,
  detail: string,
): never {
  throw new ApiError("quota-exceeded", { detail, extensions: { quota, limit, used } });
}

/**
 * Refuses (409 quota-exceeded) a note write that would take the account past its quota: a
 * new note (`replacing` unset) or an edit of the note `replacing`. An edit that does not grow
 * its note always passes, so an account over a lowered limit can still shrink its notes.
 */
export async function requireNoteRoom(
  tx: Database,
  userId: string,
  quotas: QuotaSettings,
  text: NoteText,
  replacing?: string,
): Promise<void> {
  const given = bytesOf([text.title ?? "", text.content ?? "", ...(text.tags ?? [])]);
  const after = sql`${given}::bigint
    + ${text.title === undefined ? titleBytes : sql`0`}
    + ${text.content === undefined ? contentBytes : sql`0`}
    + ${text.tags === undefined ? tagBytes : sql`0`}`;
  const id = replacing ?? null;
  const [usage] = await queryRows<{
    notes: number;
    others: string;
    before: string | null;
    after: string | null;
  }>(
    tx,
    sql`SELECT count(*)::int AS notes,
               coalesce(sum(${titleBytes} + ${contentBytes} + ${tagBytes}) FILTER (WHERE n.id IS DISTINCT FROM ${id}::uuid), 0)::bigint AS others,
               sum(${titleBytes} + ${contentBytes} + ${tagBytes}) FILTER (WHERE n.id = ${id}::uuid)::bigint AS before,
               sum(${after}) FILTER (WHERE n.id = ${id}::uuid)::bigint AS after
        FROM notes n WHERE n.user_id = ${userId}`,
  );
  const notes = usage?.notes ?? 0;
  const others = Number(usage?.others ?? 0);
  const before = Number(usage?.before ?? 0);
  // An edit of a note that is not there (another's, or gone) changes nothing: the write says why.
  if (replacing !== undefined && usage?.after == null) return;
  const needed = replacing === undefined ? given : Number(usage?.after);
  if (replacing === undefined && notes >= quotas.notes) {
    quotaExceeded(
      "notes",
      quotas.notes,
      notes,
      `This account keeps at most ${quotas.notes} notes (trash included); empty the trash or delete notes first.`,
    );
  }
  if (others + needed > quotas.noteBytes && needed > before) {
    quotaExceeded(
      "note_bytes",
      quotas.noteBytes,
      others + before,
      `This account's notes hold at most ${quotas.noteBytes} bytes (trash included); this note would need ${needed}.`,
    );
  }
}

/** Refuses (409 quota-exceeded) a new poll past the account's number of live polls. */
export async function requirePollRoom(tx: Database, userId: string, quotas: QuotaSettings): Promise<void> {
  const [usage] = await queryRows<{ polls: number }>(
    tx,
    sql`SELECT count(*)::int AS polls FROM polls WHERE owner_id = ${userId} AND deleted_at IS NULL`,
  );
  const polls = usage?.polls ?? 0;
  if (polls >= quotas.polls) {
    quotaExceeded(
      "polls",
      quotas.polls,
      polls,
      `This account keeps at most ${quotas.polls} polls; delete one first.`,
    );
  }
}
