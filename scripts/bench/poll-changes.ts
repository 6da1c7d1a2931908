/**
 * `npm run bench:poll-changes`: vote changes under load. The built worker in workerd, a real
 * PostgreSQL server; 200 voters cast, then change their votes (`PUT /polls/{id}/votes/mine`;
 * a quarter also withdraw at the same moment) while 200 others cast their first ballots, all at once.
 * Afterwards every maintained counter is compared with a recount of the ballots. Baseline in
 * the same run: the 200 first ballots alone. Writes bench/results/poll-changes-latest.json.
 * The worker reaches the database through PgBouncer. Environment: BENCH_VOTERS (default 200),
 * DATABASE_URL (else a throwaway server).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { buildWorker, ROOT, startLocalWorker } from "../lib/local-worker.ts";
import { startPgbouncer } from "../lib/pgbouncer.ts";
import { startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";
import { percentile } from "./percentiles.ts";
import { BENCH_JWT_SECRET, benchAccessToken, seedVoters } from "./seed.ts";

const VOTERS = Number(process.env.BENCH_VOTERS ?? 200);
const load = () => loadavg().map((value) => Math.round(value * 100) / 100);

interface Timed {
  status: number;
  ms: number;
}

async function main() {
  buildWorker();
  const database = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, stop: async () => undefined }
    : await startPostgresServer({ maxConnections: 300 });
  await migrateDatabase(database.url);
  // Through PgBouncer in transaction mode, as production goes through Hyperdrive: 400 requests
  // at once queue for a pooled connection instead of each opening its own.
  const pool = await startPgbouncer(database.url);
  const worker = await startLocalWorker({
    databaseUrl: pool.url,
    bindings: { JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: "warn", RATE_LIMIT_POLICY: "vote=1000000/60" },
  });
  const base = worker.url.href.replace(/\/$/, "");
  const [ownerId, ...voterIds] = (await seedVoters(database.url, 1 + 2 * VOTERS)) as [string, ...string[]];
  const auth = async (id: string) => ({
    Authorization: `Bearer ${await benchAccessToken(id)}`,
    "Content-Type": "application/json",
  });
  const created = await fetch(`${base}/polls`, {
    method: "POST",
    headers: await auth(ownerId),
    body: JSON.stringify({
      title: "changes",
      questions: [
        { prompt: "Pick", choices: [{ label: "A" }, { label: "B" }, { label: "C" }] },
        { prompt: "Extras", kind: "multiple", choices: [{ label: "X" }, { label: "Y" }, { label: "Z" }] },
      ],
    }),
  });
  const poll = (await created.json()) as {
    id: string;
    questions: Array<{ id: string; choices: Array<{ id: string }> }>;
  };
  const ballot = (first: number, extras: number[]) =>
    JSON.stringify({
      answers: poll.questions.map((question, index) => ({
        question_id: question.id,
        choice_ids: (index === 0 ? [first] : extras).map((pick) => question.choices[pick]?.id),
      })),
    });
  const timed = async (path: string, method: string, headers: Record<string, string>, body?: string) => {
    const started = performance.now();
    const response = await fetch(`${base}${path}`, { method, headers, body });
    await response.arrayBuffer();
    return { status: response.status, ms: performance.now() - started } satisfies Timed;
  };
  const changers = await Promise.all(voterIds.slice(0, VOTERS).map(auth));
  const newcomers = await Promise.all(voterIds.slice(VOTERS).map(auth));

  const loadBefore = load();
  const firstRound = await Promise.all(
    changers.map((headers, i) => timed(`/polls/${poll.id}/votes`, "POST", headers, ballot(i % 3, [i % 3]))),
  );
  const mixed = await Promise.all([
    ...changers.flatMap((headers, i) => [
      timed(`/polls/${poll.id}/votes/mine`, "PUT", headers, ballot((i + 1) % 3, [0, 1])),
      ...(i % 4 === 0 ? [timed(`/polls/${poll.id}/votes/mine`, "DELETE", headers)] : []),
    ]),
    ...newcomers.map((headers, i) =>
      timed(`/polls/${poll.id}/votes`, "POST", headers, ballot(i % 3, [1, 2])),
    ),
  ]);

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ id: string; maintained: number; recount: number }>(
    `SELECT c.id, (SELECT coalesce(sum(votes), 0) FROM poll_choice_count_shards WHERE choice_id = c.id)::int AS maintained,
            (SELECT count(*) FROM poll_answers WHERE choice_id = c.id)::int AS recount
     FROM poll_choices c JOIN poll_questions q ON q.id = c.question_id WHERE q.poll_id = $1
     UNION ALL
     SELECT q.id, (SELECT coalesce(sum(voters), 0) FROM poll_question_count_shards WHERE question_id = q.id)::int,
            (SELECT count(DISTINCT ballot_id) FROM poll_answers WHERE question_id = q.id)::int
     FROM poll_questions q WHERE q.poll_id = $1
     UNION ALL
     SELECT $1::uuid, (SELECT coalesce(sum(ballots), 0) FROM poll_count_shards WHERE poll_id = $1)::int,
            (SELECT count(*) FROM poll_ballots WHERE poll_id = $1)::int`,
    [poll.id],
  );
  await client.end();

  const statuses = (list: Timed[]) => {
    const counts: Record<number, number> = {};
    for (const { status } of list) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  };
  const p = (list: Timed[], q: number) =>
    Math.round(
      percentile(
        list.map((item) => item.ms),
        q,
      ),
    );
  const report = {
    voters: VOTERS,
    baseline_first_ballots: {
      statuses: statuses(firstRound),
      p50_ms: p(firstRound, 50),
      p99_ms: p(firstRound, 99),
    },
    mixed_changes_and_votes: { statuses: statuses(mixed), p50_ms: p(mixed, 50), p99_ms: p(mixed, 99) },
    counters: rows.length,
    counters_equal_recount: rows.every((row) => row.maintained === row.recount),
    mismatches: rows.filter((row) => row.maintained !== row.recount),
    total_ballots: rows.at(-1)?.recount,
    load_before: loadBefore,
    load_after: load(),
  };
  console.log(JSON.stringify(report, null, 2));
  await mkdir(join(ROOT, "bench/results"), { recursive: true });
  await writeFile(
    join(ROOT, "bench/results/poll-changes-latest.json"),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  await worker.stop();
  await pool.stop();
  await database.stop();
  if (!report.counters_equal_recount) process.exitCode = 1;
}

await main();
