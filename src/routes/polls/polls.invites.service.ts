/** Invitations of invite-only polls: issue, list, revoke. The owner's only. */
import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client.ts";
import { withQuotaLock } from "../../db/quota.ts";
import { uuidv7 } from "../../lib/ids.ts";
import { toIsoOrNull, toIsoString } from "../../lib/time.ts";
import type { Invite } from "./polls.invites.schemas.ts";

/** Invitations one poll may hold (revoked ones included): bounds the list and the table. */
export const MAX_INVITES_PER_POLL = 1000;

type PollCheck = "not_found" | "forbidden" | "not_invite_only";

const INVITE_COLUMNS = sql`i.id, i.poll_id, i.label, i.created_at, i.used_at, i.revoked_at`;

function inviteDto(row: Record<string, unknown>): Invite {
  return {
    id: String(row.id),
    poll_id: String(row.poll_id),
    label: row.label === null ? null : String(row.label),
    created_at: toIsoString(row.created_at),
    used_at: toIsoOrNull(row.used_at),
    revoked_at: toIsoOrNull(row.revoked_at),
  };
}

/** The poll as the invitation routes need it: the owner's, not deleted, and (to issue) invite-only. */
async function checkPoll(db: Database, pollId: string, ownerId: string): Promise<PollCheck | "ok"> {
  const [poll] = await queryRows<{ owner_id: string; voters: string }>(
    db,
    sql`SELECT owner_id, voters FROM polls WHERE id = ${pollId} AND deleted_at IS NULL`,
  );
  if (!poll) return "not_found";
  if (poll.owner_id !== ownerId) return "forbidden";
  return poll.voters === "invited" ? "ok" : "not_invite_only";
}

/**
 * Stores a new invitation (its token's hash). The owner's quota lock serialises issuing, so
 * the per-poll cap cannot be raced past.
 */
export function createInvite(
  db: Database,
  input: { pollId: string; ownerId: string; label: string | null; tokenHash: string },
): Promise<Invite | PollCheck | "full"> {
  return withQuotaLock(db, input.ownerId, async (tx) => {
    const check = await checkPoll(tx, input.pollId, input.ownerId);
    if (check !== "ok") return check;
    const [row] = await queryRows(
      tx,
      sql`INSERT INTO poll_invites AS i (id, poll_id, token_hash, label)
          SELECT ${uuidv7()}, ${input.pollId}, ${input.tokenHash}, ${input.label}
          WHERE (SELECT count(*) FROM poll_invites WHERE poll_id = ${input.pollId}) < ${MAX_INVITES_PER_POLL}
          RETURNING ${INVITE_COLUMNS}`,
    );
    return row ? inviteDto(row) : "full";
  });
}

export async function listInvites(
  db: Database,
  pollId: string,
  ownerId: string,
): Promise<Invite[] | PollCheck> {
  const check = await checkPoll(db, pollId, ownerId);
  if (check === "not_found" || check === "forbidden") return check;
  const rows = await queryRows(
    db,
    sql`SELECT ${INVITE_COLUMNS} FROM poll_invites i WHERE i.poll_id = ${pollId} ORDER BY i.created_at, i.id`,
  );
  return rows.map(inviteDto);
}

/**
 * Revokes for good (revoking twice changes nothing). The UPDATE waits for a ballot being cast
 * with the invitation (which locks it), and a ballot cast after it finds it revoked.
 */
export async function revokeInvite(
  db: Database,
  pollId: string,
  inviteId: string,
  ownerId: string,
): Promise<"revoked" | "no_invite" | PollCheck> {
  const check = await checkPoll(db, pollId, ownerId);
  if (check === "not_found" || check === "forbidden") return check;
  const rows = await queryRows(
    db,
    sql`UPDATE poll_invites SET revoked_at = coalesce(revoked_at, now())
        WHERE id = ${inviteId} AND poll_id = ${pollId} RETURNING id`,
  );
  return rows.length ? "revoked" : "no_invite";
}
