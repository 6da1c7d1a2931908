import { sql } from "drizzle-orm";
import { runSql } from "./db.ts";

export interface CountRow extends Record<string, unknown> {
  id: string;
  maintained: number;
  recount: number;
}

/** Every choice, question and the poll itself: the shard sums next to a full recount. */
export async function countsAndRecounts(pollId: string): Promise<CountRow[]> {
  return runSql<CountRow>(sql`
    SELECT c.id,
           (SELECT coalesce(sum(s.votes), 0) FROM poll_choice_count_shards s WHERE s.choice_id = c.id)::int AS maintained,
           (SELECT count(*) FROM poll_answers a WHERE a.choice_id = c.id)::int AS recount
    FROM poll_choices c JOIN poll_questions q ON q.id = c.question_id WHERE q.poll_id = ${pollId}
    UNION ALL
    SELECT q.id,
           (SELECT coalesce(sum(s.voters), 0) FROM poll_question_count_shards s WHERE s.question_id = q.id)::int,
           (SELECT count(DISTINCT a.ballot_id) FROM poll_answers a WHERE a.question_id = q.id)::int
    FROM poll_questions q WHERE q.poll_id = ${pollId}
    UNION ALL
    SELECT p.id,
           (SELECT coalesce(sum(s.ballots), 0) FROM poll_count_shards s WHERE s.poll_id = p.id)::int,
           (SELECT count(*) FROM poll_ballots b WHERE b.poll_id = p.id)::int
    FROM polls p WHERE p.id = ${pollId}`);
}

/**
 * A ranked question's ranking counters (summed over shards, rankings that net to zero left
 * out) next to a recount of the ballots' ranked answers: `{ "<id>,<id>": ballots }` each.
 */
export async function rankingCountsAndRecount(
  questionId: string,
): Promise<{ maintained: Record<string, number>; recount: Record<string, number> }> {
  const [row] = await runSql<{ maintained: Record<string, number>; recount: Record<string, number> }>(sql`
    SELECT (SELECT coalesce(json_object_agg(k, n ORDER BY k), '{}') FROM (
              SELECT array_to_string(ranking, ',') AS k, sum(ballots)::int AS n FROM poll_ranking_count_shards
              WHERE question_id = ${questionId} GROUP BY ranking HAVING sum(ballots) <> 0) m) AS maintained,
           (SELECT coalesce(json_object_agg(k, n ORDER BY k), '{}') FROM (
              SELECT k, count(*)::int AS n FROM (
                SELECT string_agg(a.choice_id::text, ',' ORDER BY a.rank) AS k FROM poll_answers a
                WHERE a.question_id = ${questionId} GROUP BY a.ballot_id) b GROUP BY k) r) AS recount`);
  if (!row) throw new Error("the recount returned no row");
  return row;
}
