/**
 * The caller's own ballot: read it, replace its answers, withdraw it. The writes are one
 * statement each (`change_ballot`, migrations/0016_ballot_change_lock_order.sql), like casting;
 * a change's statement also returns the ballot as it now stands, so nothing is read back.
 */
import { sql } from "drizzle-orm";
import { createdByDto } from "../../audit/created-by.schema.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { toIsoOrNull, toIsoString } from "../../lib/time.ts";
import type { OwnBallot } from "./polls.ballot.schemas.ts";
import type { VoteInput } from "./polls.schemas.ts";
import type { BallotOutcome } from "./polls.vote.service.ts";

/** Who asks: an account and/or a browser's voter id; the poll's kind of voter picks which counts. */
export interface BallotOwner {
  userId: string | undefined;
  cookieVoterId: string | null;
  inviteHash: string | null;
}

export interface ChangeOutcome {
  status:
    | "changed"
    | "withdrawn"
    | "not_found"
    | "closed"
    | "auth_required"
    | "invite_required"
    | "changes_disabled"
    | "invalid"
    | "no_ballot";
  voters?: BallotOutcome["voters"];
  ballot_id?: string;
  /** The poll's owner (changed, withdrawn), for the results-changed event. */
  owner_id?: string;
  /** The ballot after a change, as `readOwnBallot` reads it. */
  ballot?: StoredBallot;
  errors?: BallotOutcome["errors"];
}

/** A ballot row with its answers, as the statements return it. */
type StoredBallot = {
  cast_at: Date | string;
  changed_at: Date | string | null;
  created_by_credential: string | null;
  created_by_credential_id: string | null;
  answers: OwnBallot["answers"] | null;
};

/** The response shape of a stored ballot. */
export function ownBallotOf(
  pollId: string,
  ballotId: string,
  canChange: boolean,
  row: StoredBallot,
): OwnBallot {
  return {
    ballot_id: ballotId,
    poll_id: pollId,
    cast_at: toIsoString(row.cast_at),
    changed_at: toIsoOrNull(row.changed_at),
    can_change: canChange,
    created_by: createdByDto(row),
    answers: (row.answers ?? []).map(({ question_id, choice_ids }) => ({ question_id, choice_ids })),
  };
}

/** Replaces the ballot's answers (`answers`) or withdraws it (`null`): one statement. */
export async function changeBallot(
  db: Database,
  pollId: string,
  owner: BallotOwner,
  answers: VoteInput["answers"] | null,
): Promise<ChangeOutcome> {
  const questions = answers?.flatMap((answer) => answer.choice_ids.map(() => answer.question_id)) ?? null;
  const choices = answers?.flatMap((answer) => answer.choice_ids) ?? null;
  const [row] = await queryRows<{ result: ChangeOutcome }>(
    db,
    sql`SELECT change_ballot(${pollId}::uuid, ${owner.userId ?? null}::uuid, ${owner.cookieVoterId}::text,
                             ${owner.inviteHash}::text, ${questions === null ? null : sql.param(questions)}::uuid[],
                             ${choices === null ? null : sql.param(choices)}::uuid[]) AS result`,
  );
  return row?.result ?? { status: "not_found" };
}

/**
 * The caller's ballot on the poll with its answers, or why there is none: `not_found` (no such
 * poll) or `no_ballot`. One round trip.
 */
export async function readOwnBallot(
  db: Database,
  pollId: string,
  owner: BallotOwner,
): Promise<OwnBallot | "not_found" | "no_ballot"> {
  const [row] = await queryRows<
    Omit<StoredBallot, "cast_at"> & {
      ballot_id: string | null;
      cast_at: Date | string | null;
      can_change: boolean;
    }
  >(
    db,
    sql`SELECT b.id AS ballot_id, b.created_at AS cast_at, b.changed_at, b.created_by_credential, b.created_by_credential_id,
               p.allow_vote_changes AND p.closed_at IS NULL AND (p.closes_at IS NULL OR p.closes_at > now()) AS can_change,
               (SELECT json_agg(answer ORDER BY answer.position) FROM (
                  SELECT q.id AS question_id, q.position,
                         json_agg(a.choice_id ORDER BY a.rank, c.position) AS choice_ids
                  FROM poll_answers a JOIN poll_questions q ON q.id = a.question_id
                  JOIN poll_choices c ON c.id = a.choice_id
                  WHERE a.ballot_id = b.id GROUP BY q.id, q.position
                ) answer) AS answers
        FROM polls p
        LEFT JOIN poll_ballots b ON b.poll_id = p.id
          AND b.voter_key = poll_voter_key(p.id, p.voters, ${owner.userId ?? null}::uuid, ${owner.cookieVoterId}::text,
                                        ${owner.inviteHash}::text)
        WHERE p.id = ${pollId} AND p.deleted_at IS NULL`,
  );
  if (!row) return "not_found";
  const { ballot_id: ballotId, cast_at: castAt } = row;
  if (!ballotId || !castAt) return "no_ballot";
  return ownBallotOf(pollId, ballotId, Boolean(row.can_change), { ...row, cast_at: castAt });
}
