import { sql } from "drizzle-orm";
import type { ActingCredential } from "../../audit/audit-event.ts";
import { ballotCredentialCte } from "../../audit/created-by.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { uuidv7 } from "../../lib/ids.ts";
import type { VoteInput } from "./polls.schemas.ts";

export interface BallotOutcome {
  status:
    | "voted"
    | "not_found"
    | "closed"
    | "auth_required"
    | "cookie_required"
    | "invite_required"
    | "invalid"
    | "ip_limit"
    | "already_voted";
  voters?: "authenticated" | "anonymous" | "invited";
  ballot_id?: string;
  limit?: number;
  errors?: Array<{
    question_id: string;
    choice_id?: string;
    position?: number;
    problem: string;
    max_selections?: number;
  }>;
}

/**
 * One statement: see migrations/0010_poll_ballot_changes.sql (cast_ballot) for the checks and
 * their order. The ballot's `created_by_credential*` columns default to settings the CTE sets
 * first (ballotCredentialCte), so the function records the credential without taking it.
 */
export async function castBallot(
  db: Database,
  input: {
    pollId: string;
    userId: string | undefined;
    cookieVoterId: string | null;
    inviteHash: string | null;
    ipHash: string;
    answers: VoteInput["answers"];
    createdBy: ActingCredential;
  },
): Promise<BallotOutcome> {
  const questions = input.answers.flatMap((answer) => answer.choice_ids.map(() => answer.question_id));
  const choices = input.answers.flatMap((answer) => answer.choice_ids);
  const [row] = await queryRows<{ result: BallotOutcome }>(
    db,
    sql`WITH ${ballotCredentialCte(input.createdBy)}
        SELECT cast_ballot(${input.pollId}::uuid, ${uuidv7()}::uuid, ${input.userId ?? null}::uuid,
                           ${input.cookieVoterId}::text, ${input.inviteHash}::text, ${input.ipHash}::text,
                           ${sql.param(questions)}::uuid[], ${sql.param(choices)}::uuid[]) AS result
        FROM ballot_credential`,
  );
  return row?.result ?? { status: "not_found" };
}
