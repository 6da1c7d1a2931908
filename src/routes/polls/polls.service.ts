import { type SQL, sql } from "drizzle-orm";
import { type CreatedBy, createdByDto } from "../../audit/created-by.schema.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { type ColumnRow, columnList } from "../../db/columns.ts";
import { polls } from "../../db/schema.polls.ts";
import { pageOf } from "../../lib/pagination.ts";
import { toIsoOrNull, toIsoString } from "../../lib/time.ts";
import type { RankingCount } from "./polls.irv.ts";
import type { ListPollsQuery, Poll, PollSummary } from "./polls.schemas.ts";

type PollQuestion = Poll["questions"][number];
type PollChoice = PollQuestion["choices"][number];

/** A question as read from the database: the response's fields, plus its tallies when counted. */
export type CountedQuestion = Omit<PollQuestion, "choices"> & {
  voters?: number;
  /** Ranked questions, when counted: ballots per distinct ranking. */
  rankings?: RankingCount[] | null;
  choices: Array<PollChoice & { votes?: number }>;
};

/** What getPoll reads: the poll as the API shows it, with the tallies results are built from. */
export type PollRead = Omit<Poll, "questions" | "owner_id" | "created_by"> & {
  owner_id: string;
  created_by: CreatedBy;
  total_voters: number;
  questions: CountedQuestion[];
};

/** Open/closed as the database clock sees it, so every reader agrees with the vote check. */
export const STATUS_SQL = sql.raw(
  "CASE WHEN p.closed_at IS NOT NULL OR (p.closes_at IS NOT NULL AND p.closes_at <= now()) THEN 'closed' ELSE 'open' END",
);
const POLL_KEYS = [
  "id",
  "ownerId",
  "title",
  "description",
  "voters",
  "resultsVisibility",
  "maxVotesPerIp",
  "allowVoteChanges",
  "closesAt",
  "closedAt",
  "createdAt",
  "updatedAt",
  "createdByCredential",
  "createdByCredentialId",
] as const;
export const POLL_COLUMNS = sql`${columnList(polls, "p", POLL_KEYS)}, ${STATUS_SQL} AS status`;

/** A row selected with POLL_COLUMNS, as the API lists it (to whom `owner_id` and `created_by` concern: ownerFor). */
export function pollSummary(
  row: ColumnRow<typeof polls, (typeof POLL_KEYS)[number], "status">,
): PollSummary & { owner_id: string; created_by: CreatedBy } {
  return {
    id: String(row.id),
    owner_id: String(row.owner_id),
    title: String(row.title),
    description: String(row.description),
    voters: row.voters as PollSummary["voters"],
    results_visibility: row.results_visibility as PollSummary["results_visibility"],
    max_votes_per_ip: Number(row.max_votes_per_ip),
    allow_vote_changes: Boolean(row.allow_vote_changes),
    status: row.status as PollSummary["status"],
    closes_at: toIsoOrNull(row.closes_at),
    closed_at: toIsoOrNull(row.closed_at),
    created_at: toIsoString(row.created_at),
    updated_at: toIsoString(row.updated_at),
    created_by: createdByDto(row),
  };
}

/**
 * A ranked question's ballots per distinct ranking, from the shard rows cast_ballot maintains
 * (migrations/0014_ranked_choice.sql): one row per ranking and shard, never the ballots.
 */
const RANKINGS_SQL = sql`CASE WHEN q.kind = 'ranked' THEN (
  SELECT json_agg(json_build_object('ranking', r.ranking, 'ballots', r.ballots)) FROM (
    SELECT s.ranking, sum(s.ballots)::bigint AS ballots FROM poll_ranking_count_shards s
    WHERE s.question_id = q.id GROUP BY s.ranking HAVING sum(s.ballots) > 0
  ) r) END`;

/**
 * A poll with its questions and choices (and per-choice vote counts when asked), plus
 * whether any of the caller's voter keys (or their live invitation) has a ballot: one round trip.
 */
export async function getPoll(
  db: Database,
  id: string,
  voterKeys: string[],
  { withCounts = false, inviteHash = null }: { withCounts?: boolean; inviteHash?: string | null } = {},
): Promise<PollRead | undefined> {
  // Counts come from the shard rows cast_ballot maintains (migration 0007): a handful of
  // rows per choice whatever the number of ballots, never a recount of poll_answers.
  const counts = withCounts
    ? {
        choice: sql`, (SELECT coalesce(sum(s.votes), 0) FROM poll_choice_count_shards s WHERE s.choice_id = c.id)::int AS votes`,
        question: sql`,
        (SELECT coalesce(sum(s.voters), 0) FROM poll_question_count_shards s WHERE s.question_id = q.id)::int AS voters,
        ${RANKINGS_SQL} AS rankings`,
      }
    : { choice: sql``, question: sql`` };
  const [row] = await queryRows(
    db,
    sql`SELECT ${POLL_COLUMNS},
          EXISTS (SELECT 1 FROM poll_ballots b WHERE b.poll_id = p.id AND (b.voter_key = ANY(${sql.param(voterKeys)}::text[])
            OR b.voter_key = (SELECT 'invite:' || i.id FROM poll_invites i
                              WHERE i.poll_id = p.id AND i.token_hash = ${inviteHash}::text AND i.revoked_at IS NULL))) AS has_voted,
          ${withCounts ? sql`(SELECT coalesce(sum(s.ballots), 0) FROM poll_count_shards s WHERE s.poll_id = p.id)::int` : sql`0`} AS total_voters,
          coalesce((
            SELECT json_agg(question ORDER BY question.position) FROM (
              SELECT q.id, q.position, q.prompt, q.kind, q.max_selections ${counts.question},
                (SELECT json_agg(choice ORDER BY choice.position) FROM (
                   SELECT c.id, c.position, c.label ${counts.choice} FROM poll_choices c WHERE c.question_id = q.id
                 ) choice) AS choices
              FROM poll_questions q WHERE q.poll_id = p.id
            ) question
          ), '[]'::json) AS questions
        FROM polls p WHERE p.id = ${id} AND p.deleted_at IS NULL`,
  );
  if (!row) return undefined;
  return {
    ...pollSummary(row),
    has_voted: Boolean(row.has_voted),
    total_voters: Number(row.total_voters),
    questions: row.questions as CountedQuestion[],
  };
}

export interface PollsPosition {
  created_at: string;
  id: string;
}

/** What every poll listing filters on: not deleted, the owner (`mine`, stats) and the status. */
export function pollListFilters(query: ListPollsQuery, ownerId: string | undefined): SQL[] {
  const where: SQL[] = [sql`p.deleted_at IS NULL`];
  if (ownerId) where.push(sql`p.owner_id = ${ownerId}`);
  if (query.status) where.push(sql`${STATUS_SQL} = ${query.status}`);
  return where;
}

export async function listPolls(
  db: Database,
  query: ListPollsQuery,
  ownerId: string | undefined,
  after: PollsPosition | undefined,
) {
  const where = pollListFilters(query, ownerId);
  if (after) where.push(sql`(p.created_at, p.id) < (${after.created_at}::timestamptz, ${after.id}::uuid)`);
  const rows = await queryRows(
    db,
    sql`SELECT ${POLL_COLUMNS} FROM polls p WHERE ${sql.join(where, sql` AND `)}
        ORDER BY p.created_at DESC, p.id DESC LIMIT ${query.limit + 1}`,
  );
  return pageOf(rows.map(pollSummary), query.limit, (last) => ({ created_at: last.created_at, id: last.id }));
}
