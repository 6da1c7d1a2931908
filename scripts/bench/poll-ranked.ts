/**
 * `npm run bench:poll-ranked`: the ranked-choice results read (instant-runoff rounds) at
 * BENCH_SIZES ballots (default 1000,1000000) with BENCH_RANKINGS distinct rankings (default
 * 64), next to a single-choice results read at the same sizes in the same run (the baseline
 * under the same load). The built worker in workerd, a throwaway PostgreSQL server, reads from
 * autocannon with one connection. Ballots, answers (with ranks) and every counter, the ranking
 * ones included, are seeded in bulk SQL (INSERT … SELECT generate_series), and the ranking
 * counters' total is checked against the ballots. Writes bench/results/poll-ranked-latest.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { buildWorker, ROOT, startLocalWorker } from "../lib/local-worker.ts";
import { startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";
import { seedBallots } from "./poll-seed.ts";
import { runLoad } from "./run-load.ts";
import { BENCH_JWT_SECRET, benchAccessToken, seedVoters } from "./seed.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SIZES = (process.env.BENCH_SIZES ?? "1000,1000000").split(",").map(Number);
const RANKINGS = Number(process.env.BENCH_RANKINGS ?? 64);
const CHOICES = ["A", "B", "C", "D", "E"];
const load = () => loadavg().map((value) => Math.round(value * 100) / 100);

interface BenchPoll {
  id: string;
  questions: Array<{ id: string; choices: Array<{ id: string }> }>;
}

/**
 * `count` ballots, ballot i ranking the (i mod RANKINGS)-th of RANKINGS distinct rankings: a
 * rotation of the choices cut to 1–5 places, then shuffled by a fixed hash, as cast_ballot
 * would store them, with the counters it would keep (shard from a hash of the ballot id).
 */
async function seedRankedBallots(
  url: string,
  questionId: string,
  pollId: string,
  choiceIds: string[],
  count: number,
) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // A million ballots with their ranked answers take longer than the server's default limit.
    await client.query("SET statement_timeout = 0");
    await client.query("BEGIN");
    await client.query(
      `CREATE TEMP TABLE rankings ON COMMIT DROP AS
       SELECT k, (SELECT array_agg(c ORDER BY ord) FROM (
                    SELECT c, row_number() OVER (ORDER BY hashtext(k::text || c::text)) AS ord
                    FROM unnest($1::uuid[]) AS c) x WHERE ord <= 1 + k % cardinality($1::uuid[])) AS ranking
       FROM generate_series(0, $2::int - 1) AS k`,
      [choiceIds, RANKINGS],
    );
    const distinct = await client.query("SELECT count(DISTINCT ranking)::int AS n FROM rankings");
    await client.query(
      `WITH ballots AS (
         INSERT INTO poll_ballots (id, poll_id, voter_key)
         SELECT gen_random_uuid(), $1, 'bench:' || i FROM generate_series(1, $2::int) AS i
         RETURNING id, (substr(voter_key, 7))::int AS i
       )
       INSERT INTO poll_answers (ballot_id, poll_id, question_id, choice_id, rank)
       SELECT b.id, $1, $3, u.choice_id, u.rank
       FROM ballots b JOIN rankings r ON r.k = b.i % $4::int
       CROSS JOIN LATERAL unnest(r.ranking) WITH ORDINALITY AS u(choice_id, rank)`,
      [pollId, count, questionId, RANKINGS],
    );
    const shard = "abs(hashtext(b.id::text)) % 16";
    await client.query(
      `INSERT INTO poll_count_shards (poll_id, shard, ballots)
       SELECT b.poll_id, ${shard}, count(*) FROM poll_ballots b WHERE b.poll_id = $1 GROUP BY 1, 2`,
      [pollId],
    );
    await client.query(
      `INSERT INTO poll_question_count_shards (question_id, shard, voters)
       SELECT $2::uuid, ${shard}, count(*) FROM poll_ballots b WHERE b.poll_id = $1 GROUP BY 2`,
      [pollId, questionId],
    );
    await client.query(
      `INSERT INTO poll_choice_count_shards (choice_id, shard, votes)
       SELECT a.choice_id, ${shard}, count(*) FROM poll_answers a JOIN poll_ballots b ON b.id = a.ballot_id
       WHERE a.poll_id = $1 GROUP BY 1, 2`,
      [pollId],
    );
    await client.query(
      `INSERT INTO poll_ranking_count_shards (question_id, ranking, shard, ballots)
       SELECT $2::uuid, ranking, shard, count(*) FROM (
         SELECT array_agg(a.choice_id ORDER BY a.rank) AS ranking, ${shard} AS shard
         FROM poll_answers a JOIN poll_ballots b ON b.id = a.ballot_id WHERE a.poll_id = $1 GROUP BY b.id
       ) x GROUP BY ranking, shard`,
      [pollId, questionId],
    );
    await client.query("COMMIT");
    await client.query("ANALYZE poll_ballots; ANALYZE poll_answers; ANALYZE poll_ranking_count_shards");
    const total = await client.query(
      "SELECT sum(ballots)::int AS n FROM poll_ranking_count_shards WHERE question_id = $1",
      [questionId],
    );
    if (Number(total.rows[0]?.n) !== count)
      throw new Error(`ranking counters hold ${total.rows[0]?.n} of ${count}`);
    return Number(distinct.rows[0]?.n);
  } finally {
    await client.end();
  }
}

async function main() {
  buildWorker();
  const database = await startPostgresServer({ maxConnections: 100 });
  await migrateDatabase(database.url);
  const worker = await startLocalWorker({
    databaseUrl: database.url,
    bindings: { JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: "warn" },
  });
  const base = worker.url.href.replace(/\/$/, "");
  const [ownerId] = (await seedVoters(database.url, 1)) as [string];
  const owner = { Authorization: `Bearer ${await benchAccessToken(ownerId)}` };
  const createPoll = async (kind: "ranked" | "single"): Promise<BenchPoll> => {
    const response = await fetch(`${base}/polls`, {
      method: "POST",
      headers: { ...owner, "Content-Type": "application/json" },
      body: JSON.stringify({
        title: `${kind} bench`,
        questions: [{ prompt: "Pick", kind, choices: CHOICES.map((label) => ({ label })) }],
      }),
    });
    if (response.status !== 201) throw new Error(`create poll: ${response.status} ${await response.text()}`);
    return (await response.json()) as BenchPoll;
  };
  const read = (poll: BenchPoll) =>
    runLoad({
      url: base,
      method: "GET",
      path: `/polls/${poll.id}/results`,
      headers: owner,
      connections: 1,
      durationSeconds: SECONDS,
    });

  const rows: Array<Record<string, unknown>> = [];
  try {
    for (const size of SIZES) {
      const ranked = await createPoll("ranked");
      const question = ranked.questions[0] as BenchPoll["questions"][number];
      const choiceIds = question.choices.map((choice) => choice.id);
      const seeded = Date.now();
      const distinct = await seedRankedBallots(database.url, question.id, ranked.id, choiceIds, size);
      const seedSeconds = (Date.now() - seeded) / 1000;
      const single = await createPoll("single");
      const singleQuestion = single.questions[0] as BenchPoll["questions"][number];
      await seedBallots(
        database.url,
        { id: single.id, questionId: singleQuestion.id, choiceIds: singleQuestion.choices.map((c) => c.id) },
        size,
      );
      const rankedRead = await read(ranked);
      const singleRead = await read(single);
      const row = {
        ballots: size,
        distinct_rankings: distinct,
        ranked_p50_ms: rankedRead.p50,
        ranked_p99_ms: rankedRead.p99,
        ranked_errors: rankedRead.errors + rankedRead.non2xx,
        single_p50_ms: singleRead.p50,
        single_p99_ms: singleRead.p99,
        single_errors: singleRead.errors + singleRead.non2xx,
        seed_seconds: seedSeconds,
        load: load(),
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    const out = join(ROOT, "bench", "results");
    await mkdir(out, { recursive: true });
    await writeFile(
      join(out, "poll-ranked-latest.json"),
      `${JSON.stringify({ seconds: SECONDS, rows }, null, 2)}\n`,
    );
  } finally {
    await worker.stop();
    await database.stop();
  }
}

await main();
