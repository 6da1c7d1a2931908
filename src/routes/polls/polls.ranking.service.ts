import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client.ts";
import { pageOf } from "../../lib/pagination.ts";
import type { ListPollsQuery } from "./polls.schemas.ts";
import { POLL_COLUMNS, pollListFilters, pollSummary } from "./polls.service.ts";

/** The keyset position: the sort key (a total or a creation time) and the id as tie-break. */
export interface RankingPosition {
  key: number | string;
  id: string;
}

/**
 * Polls with their vote totals (most voted first for `sort=votes`), read from the counters cast_ballot maintains (a few rows per poll
 * and per question, never a recount), keyset-paginated on (total, id).
 */
export async function listPollsByVotes(
  db: Database,
  query: ListPollsQuery,
  ownerId: string | undefined,
  after: RankingPosition | undefined,
) {
  const where = pollListFilters(query, ownerId);
  if (query.min_votes !== undefined) where.push(sql`t.total_voters >= ${query.min_votes}`);
  const byVotes = query.sort === "votes";
  if (after) {
    where.push(
      byVotes
        ? sql`(t.total_voters, p.id) < (${Number(after.key)}::int, ${after.id}::uuid)`
        : sql`(p.created_at, p.id) < (${String(after.key)}::timestamptz, ${after.id}::uuid)`,
    );
  }
  const order = byVotes ? sql`t.total_voters DESC, p.id DESC` : sql`p.created_at DESC, p.id DESC`;
  const rows = await queryRows(
    db,
    sql`SELECT ${POLL_COLUMNS}, t.total_voters,
          coalesce((
            SELECT json_agg(json_build_object('id', q.id, 'prompt', q.prompt, 'voters',
                     (SELECT coalesce(sum(s.voters), 0) FROM poll_question_count_shards s WHERE s.question_id = q.id)::int)
                   ORDER BY q.position)
            FROM poll_questions q WHERE q.poll_id = p.id
          ), '[]'::json) AS question_totals
        FROM polls p
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(s.ballots), 0)::int AS total_voters FROM poll_count_shards s WHERE s.poll_id = p.id
        ) t
        WHERE ${sql.join(where, sql` AND `)}
        ORDER BY ${order} LIMIT ${query.limit + 1}`,
  );
  const polls = rows.map((row) => ({
    ...pollSummary(row),
    total_voters: Number(row.total_voters),
    question_totals: row.question_totals as Array<{ id: string; prompt: string; voters: number }>,
    results_csv: `/polls/${String(row.id)}/results.csv`,
  }));
  return pageOf(
    polls,
    query.limit,
    (last): RankingPosition => ({
      key: byVotes ? last.total_voters : last.created_at,
      id: last.id,
    }),
  );
}
