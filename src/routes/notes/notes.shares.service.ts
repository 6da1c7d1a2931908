/**
 * Share links: a read-only capability for one note. The token is 256 random bits shown once;
 * only its SHA-256 is stored (as API keys are), so a database leak opens no note. A link reads
 * nothing but its note's title, content and tags, and only while the link exists, has not
 * expired, the note is not in the trash and the owner is not disabled: each of those is checked
 * in the one statement that serves the read, so revoking, trashing or disabling ends access at
 * once. Purging the note or deleting the account deletes its links (foreign key cascade).
 */
import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client.ts";
import { base64url, randomBytes, sha256 } from "../../lib/crypto.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { toIsoOrNull, toIsoString } from "../../lib/time.ts";
import type { NoteShare, SharedNote } from "./notes.shares.schemas.ts";

/** Recognisable in logs and secret scanners, like the API keys' `dh_`. */
export const SHARE_TOKEN_PREFIX = "dhs_";
/** Links one note may have at once. */
export const SHARES_PER_NOTE = 20;
const DISPLAY_CHARS = SHARE_TOKEN_PREFIX.length + 6;

export const hashShareToken = (token: string) => sha256(token);

function shareDto(row: Record<string, unknown>): NoteShare {
  return {
    id: String(row.id),
    prefix: String(row.prefix),
    created_at: toIsoString(row.created_at),
    expires_at: toIsoOrNull(row.expires_at),
    last_accessed_at: toIsoOrNull(row.last_accessed_at),
    access_count: Number(row.access_count),
  };
}

const SHARE_COLUMNS = sql`s.id, s.prefix, s.created_at, s.expires_at, s.last_accessed_at, s.access_count`;

export type CreatedShare =
  | { outcome: "created"; share: NoteShare; token: string }
  | { outcome: "full" }
  | { outcome: "missing" };

/** A new link to the owner's live note; `full` when it already has `SHARES_PER_NOTE`. */
export async function createShare(
  db: Database,
  userId: string,
  noteId: string,
  expiresAt: Date | undefined,
): Promise<CreatedShare> {
  const token = `${SHARE_TOKEN_PREFIX}${base64url(randomBytes(32))}`;
  const [row] = await queryRows(
    db,
    sql`WITH note AS (
          SELECT n.id, (SELECT count(*) FROM note_shares x WHERE x.note_id = n.id) AS links
          FROM notes n WHERE n.id = ${noteId} AND n.user_id = ${userId} AND n.deleted_at IS NULL
        ), created AS (
          INSERT INTO note_shares AS s (id, note_id, user_id, token_hash, prefix, expires_at)
          SELECT ${uuidv7()}, note.id, ${userId}, ${await hashShareToken(token)}, ${token.slice(0, DISPLAY_CHARS)},
                 ${expiresAt?.toISOString() ?? null}::timestamptz
          FROM note WHERE note.links < ${SHARES_PER_NOTE}
          RETURNING ${SHARE_COLUMNS}
        )
        SELECT (SELECT count(*) FROM note)::int AS found, created.* FROM (SELECT 1) one LEFT JOIN created ON true`,
  );
  if (!row?.found) return { outcome: "missing" };
  if (row.id == null) return { outcome: "full" };
  return { outcome: "created", share: shareDto(row), token };
}

/** The note's links (never their tokens), newest first; undefined when the note is not the caller's. */
export async function listShares(
  db: Database,
  userId: string,
  noteId: string,
): Promise<NoteShare[] | undefined> {
  const rows = await queryRows(
    db,
    sql`SELECT n.id AS note_found, ${SHARE_COLUMNS}
        FROM notes n LEFT JOIN note_shares s ON s.note_id = n.id
        WHERE n.id = ${noteId} AND n.user_id = ${userId}
        ORDER BY s.created_at DESC, s.id DESC`,
  );
  if (rows.length === 0) return undefined;
  return rows.filter((row) => row.id != null).map(shareDto);
}

/** Deletes one link of the caller's note; false when there is no such link. */
export async function revokeShare(
  db: Database,
  userId: string,
  noteId: string,
  shareId: string,
): Promise<boolean> {
  const rows = await queryRows(
    db,
    sql`DELETE FROM note_shares WHERE id = ${shareId} AND note_id = ${noteId} AND user_id = ${userId} RETURNING id`,
  );
  return rows.length > 0;
}

/**
 * The note behind a token, if the link may be read now, recording the access in the same
 * statement. Every reason for refusal gives the same undefined, so a token's state (revoked,
 * expired, note trashed, owner disabled) is not observable from outside.
 */
export async function readShared(db: Database, token: string): Promise<SharedNote | undefined> {
  const [row] = await queryRows(
    db,
    sql`UPDATE note_shares AS s SET last_accessed_at = now(), access_count = s.access_count + 1
        FROM notes n, users u
        WHERE s.token_hash = ${await hashShareToken(token)}
          AND n.id = s.note_id AND n.user_id = s.user_id AND n.deleted_at IS NULL
          AND u.id = s.user_id AND u.disabled_at IS NULL
          AND (s.expires_at IS NULL OR s.expires_at > now())
        RETURNING n.title, n.content, n.tags, n.updated_at`,
  );
  if (!row) return undefined;
  return {
    title: String(row.title),
    content: String(row.content),
    tags: (row.tags as string[]) ?? [],
    updated_at: toIsoString(row.updated_at),
  };
}
