/**
 * Big polls for the benchmark, written in bulk SQL with the counters maintained: the ballots,
 * their answers and the shard rows cast_ballot would have produced (shard from a hash of the
 * ballot id), in one transaction, then checked against a recount. Far faster than a million
 * cast_ballot calls, and the read path cannot tell the difference.
 */
import pg from "pg";

export async function seedBallots(
  url: string,
  poll: { id: string; questionId: string; choiceIds: string[] },
  count: number,
): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A million ballots take longer than the statement budget the migrations set for the app.
    await client.query("SET statement_timeout = 0");
    await client.query("BEGIN");
    await client.query(
      `WITH ballots AS (
         INSERT INTO poll_ballots (id, poll_id, voter_key)
         SELECT gen_random_uuid(), $1, 'bench:' || i FROM generate_series(1, $2::int) AS i
         RETURNING id
       )
       INSERT INTO poll_answers (ballot_id, poll_id, question_id, choice_id)
       SELECT id, $1, $3, ($4::uuid[])[1 + abs(hashtext(id::text) / 7) % cardinality($4::uuid[])] FROM ballots`,
      [poll.id, count, poll.questionId, poll.choiceIds],
    );
    const shard = "abs(hashtext(b.id::text)) % 16";
    await client.query(
      `INSERT INTO poll_count_shards (poll_id, shard, ballots)
       SELECT b.poll_id, ${shard}, count(*) FROM poll_ballots b WHERE b.poll_id = $1 GROUP BY 1, 2
       ON CONFLICT (poll_id, shard) DO UPDATE SET ballots = poll_count_shards.ballots + EXCLUDED.ballots`,
      [poll.id],
    );
    await client.query(
      `INSERT INTO poll_question_count_shards (question_id, shard, voters)
       SELECT a.question_id, ${shard}, count(*) FROM poll_answers a JOIN poll_ballots b ON b.id = a.ballot_id
       WHERE a.poll_id = $1 GROUP BY 1, 2
       ON CONFLICT (question_id, shard) DO UPDATE SET voters = poll_question_count_shards.voters + EXCLUDED.voters`,
      [poll.id],
    );
    await client.query(
      `INSERT INTO poll_choice_count_shards (choice_id, shard, votes)
       SELECT a.choice_id, ${shard}, count(*) FROM poll_answers a JOIN poll_ballots b ON b.id = a.ballot_id
       WHERE a.poll_id = $1 GROUP BY 1, 2
       ON CONFLICT (choice_id, shard) DO UPDATE SET votes = poll_choice_count_shards.votes + EXCLUDED.votes`,
      [poll.id],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE poll_ballots; ANALYZE poll_answers");
    const drift = await client.query(
      `SELECT c.id FROM poll_choices c WHERE c.question_id = $1
         AND (SELECT coalesce(sum(votes), 0) FROM poll_choice_count_shards WHERE choice_id = c.id)
          <> (SELECT count(*) FROM poll_answers WHERE choice_id = c.id)`,
      [poll.questionId],
    );
    if (drift.rowCount) throw new Error(`seeded counters drifted for ${drift.rowCount} choices`);
  } finally {
    await client.end();
  }
}

/** The read the API did before migration 0007: a recount of every ballot (for an in-run baseline). */
export async function timeRecount(url: string, pollId: string, runs: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i += 1) {
      const started = performance.now();
      await client.query(
        `SELECT (SELECT count(*) FROM poll_ballots b WHERE b.poll_id = p.id) AS total,
                (SELECT json_agg(json_build_object('q', q.id,
                   'voters', (SELECT count(DISTINCT a.ballot_id) FROM poll_answers a WHERE a.question_id = q.id),
                   'choices', (SELECT json_agg((SELECT count(*) FROM poll_answers a WHERE a.choice_id = c.id))
                               FROM poll_choices c WHERE c.question_id = q.id)))
                 FROM poll_questions q WHERE q.poll_id = p.id) AS questions
         FROM polls p WHERE p.id = $1`,
        [pollId],
      );
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)] as number;
  } finally {
    await client.end();
  }
}
