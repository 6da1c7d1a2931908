/**
 * `npm run bench:polls`: issue 14's figures. The built worker in workerd (Miniflare), a real
 * PostgreSQL server, load from separate processes (autocannon) and WebSocket subscribers in
 * this one. Measures (1) results read p50/p99 at 1k / 100k / 1M ballots, next to the old
 * recount query timed in SQL; (2) vote throughput with every voter on one choice vs spread;
 * (3) live fan-out to BENCH_SUBSCRIBERS (default 1,000) subscribers. Writes
 * bench/results/polls-latest.json. Environment: BENCH_SECONDS (default 5), BENCH_CONNECTIONS
 * (default 32), BENCH_SIZES (default 1000,100000,1000000), DATABASE_URL (else a throwaway server),
 * BENCH_POOL=pgbouncer (the worker reaches the database through PgBouncer in transaction mode,
 * as production goes through Hyperdrive; seeding and recounts stay direct).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { loadavg } from "node:os";
import { join } from "node:path";
import { buildWorker, ROOT, startLocalWorker } from "../lib/local-worker.ts";
import { startPgbouncer } from "../lib/pgbouncer.ts";
import { startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";
import { percentile } from "./percentiles.ts";
import { arrivals, subscribe, waitUntil, workerdCpuSeconds } from "./poll-live.ts";
import { seedBallots, timeRecount } from "./poll-seed.ts";
import { runLoad } from "./run-load.ts";
import { BENCH_JWT_SECRET, benchAccessToken, seedVoters } from "./seed.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SIZES = (process.env.BENCH_SIZES ?? "1000,100000,1000000").split(",").map(Number);
const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const load = () => loadavg().map((value) => Math.round(value * 100) / 100);

interface BenchPoll {
  id: string;
  questions: Array<{ id: string; choices: Array<{ id: string }> }>;
}

async function main() {
  buildWorker();
  const database = process.env.DATABASE_URL
    ? { url: process.env.DATABASE_URL, stop: async () => undefined }
    : await startPostgresServer({ maxConnections: 300 });
  await migrateDatabase(database.url);
  const pool = process.env.BENCH_POOL === "pgbouncer" ? await startPgbouncer(database.url) : undefined;
  const worker = await startLocalWorker({
    databaseUrl: pool?.url ?? database.url,
    bindings: {
      JWT_SECRET: BENCH_JWT_SECRET,
      LOG_LEVEL: "warn",
      RATE_LIMIT_POLICY: "register_ip=100000/60,register_global=100000/60",
    },
  });
  const base = worker.url.href.replace(/\/$/, "");
  const voterIds = await seedVoters(database.url, 40_000);
  const [ownerId, ...voters] = voterIds as [string, ...string[]];
  const owner = { Authorization: `Bearer ${await benchAccessToken(ownerId)}` };
  const voterTokens = await Promise.all(voters.map(benchAccessToken));
  const createPoll = async (title: string): Promise<BenchPoll> => {
    const response = await fetch(`${base}/polls`, {
      method: "POST",
      headers: { ...owner, "Content-Type": "application/json" },
      body: JSON.stringify({
        title,
        questions: [{ prompt: "Pick", choices: [{ label: "A" }, { label: "B" }, { label: "C" }] }],
      }),
    });
    if (response.status !== 201) throw new Error(`create poll: ${response.status} ${await response.text()}`);
    return (await response.json()) as BenchPoll;
  };
  const ballot = (poll: BenchPoll, choice: number) =>
    JSON.stringify({
      answers: [{ question_id: poll.questions[0]?.id, choice_ids: [poll.questions[0]?.choices[choice]?.id] }],
    });

  // (1) Results read at growing sizes.
  const reads: Array<Record<string, unknown>> = [];
  for (const size of SIZES) {
    const poll = await createPoll(`results ${size}`);
    const question = poll.questions[0] as BenchPoll["questions"][number];
    const seeded = Date.now();
    await seedBallots(
      database.url,
      { id: poll.id, questionId: question.id, choiceIds: question.choices.map((c) => c.id) },
      size,
    );
    const seedSeconds = (Date.now() - seeded) / 1000;
    const result = await runLoad({
      url: base,
      method: "GET",
      path: `/polls/${poll.id}/results`,
      headers: owner,
      connections: 1,
      durationSeconds: SECONDS,
    });
    const recountMs = await timeRecount(database.url, poll.id, size >= 1_000_000 ? 3 : 7);
    const row = {
      ballots: size,
      p50_ms: result.p50,
      p99_ms: result.p99,
      reads: result.requests,
      errors: result.errors + result.non2xx,
      old_recount_sql_p50_ms: Math.round(recountMs),
      seed_seconds: seedSeconds,
      load: load(),
    };
    reads.push(row);
    console.log(JSON.stringify(row));
  }

  // (2) Votes: spread over three choices vs every voter on the first, alternated (spread, hot,
  // spread, hot) on fresh polls so a shared machine's drift hits both alike.
  const votes: Record<string, { rps: number[]; p50_ms: number[]; p99_ms: number[]; load: number[][] }> = {};
  for (const round of [1, 2]) {
    for (const [name, pick] of [
      ["spread", (i: number) => i % 3],
      ["hot", () => 0],
    ] as const) {
      const poll = await createPoll(`votes ${name} ${round}`);
      const result = await runLoad({
        url: base,
        method: "POST",
        path: `/polls/${poll.id}/votes`,
        headers: { "Content-Type": "application/json" },
        variants: voterTokens.map((token, i) => ({
          headers: { Authorization: `Bearer ${token}` },
          body: ballot(poll, pick(i)),
        })),
        connections: CONNECTIONS,
        durationSeconds: SECONDS,
      });
      votes[name] ??= { rps: [], p50_ms: [], p99_ms: [], load: [] };
      const row = votes[name];
      row.rps.push(Math.round(result.rps));
      row.p50_ms.push(result.p50);
      row.p99_ms.push(result.p99);
      row.load.push(load());
      console.log(name, round, JSON.stringify(result.statuses), Math.round(result.rps));
    }
  }
  const total = (name: string) => (votes[name]?.rps ?? []).reduce((sum, rps) => sum + rps, 0);
  const hotVsSpread = total("hot") / total("spread");

  // (3) Live fan-out.
  const poll = await createPoll("live");
  const subscribers = await subscribe(base, poll.id, SUBSCRIBERS);
  const vote = async (i: number) => {
    const response = await fetch(`${base}/polls/${poll.id}/votes`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${voterTokens[i]}` },
      body: ballot(poll, i % 3),
    });
    if (response.status !== 201) throw new Error(`vote ${i}: ${response.status}`);
    return performance.now();
  };
  const latencies: number[] = [];
  for (let i = 0; i < 20; i += 1) {
    const created = await vote(i);
    await waitUntil(() => arrivals(subscribers, i + 1).every((t) => !Number.isNaN(t)), 10_000);
    latencies.push(...arrivals(subscribers, i + 1).map((t) => t - created));
  }
  const beforeBurst = subscribers.map((s) => s.messages.length);
  const burstStarted = performance.now();
  let next = 20;
  let lastCreated = 0;
  const BURST = 1000;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < 20 + BURST) lastCreated = Math.max(lastCreated, await vote(next++));
    }),
  );
  await waitUntil(() => arrivals(subscribers, 20 + BURST).every((t) => !Number.isNaN(t)), 30_000);
  const lastUpdate = Math.max(...arrivals(subscribers, 20 + BURST));
  const burstMessages = subscribers.map((s, i) => s.messages.length - (beforeBurst[i] ?? 0));

  // CPU per update: PATCHes (each makes one update) with and without the subscribers.
  const patches = async (count: number, waitForAll: boolean) => {
    const cpu = await workerdCpuSeconds();
    for (let i = 0; i < count; i += 1) {
      const sent = subscribers.map((s) => s.messages.length);
      await fetch(`${base}/polls/${poll.id}`, {
        method: "PATCH",
        headers: { ...owner, "Content-Type": "application/json" },
        body: JSON.stringify({ title: `live ${waitForAll ? "on" : "off"} ${i}` }),
      });
      if (waitForAll)
        await waitUntil(() => subscribers.every((s, j) => s.messages.length > (sent[j] ?? 0)), 10_000);
      else await new Promise((resolve) => setTimeout(resolve, 400));
    }
    return (await workerdCpuSeconds()) - cpu;
  };
  const withSubscribers = await patches(40, true);
  for (const s of subscribers) s.socket.close();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const withoutSubscribers = await patches(40, false);
  const live = {
    subscribers: SUBSCRIBERS,
    vote_to_update_ms: {
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
      samples: latencies.length,
    },
    burst: {
      votes: BURST,
      seconds: Math.round((lastCreated - burstStarted) / 100) / 10,
      messages_per_subscriber: { min: Math.min(...burstMessages), max: Math.max(...burstMessages) },
      last_201_to_last_subscriber_ms: Math.round(lastUpdate - lastCreated),
    },
    workerd_cpu_ms_per_update: Math.round(((withSubscribers - withoutSubscribers) / 40) * 1000 * 10) / 10,
    load: load(),
  };
  console.log(JSON.stringify(live));

  await worker.stop();
  await pool?.stop();
  await database.stop();
  const report = {
    at: new Date().toISOString(),
    seconds: SECONDS,
    connections: CONNECTIONS,
    reads,
    votes,
    hot_vs_spread: Math.round(hotVsSpread * 100) / 100,
    live,
  };
  await mkdir(join(ROOT, "bench", "results"), { recursive: true });
  await writeFile(
    join(ROOT, "bench", "results", "polls-latest.json"),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  console.log("\n| ballots | results p50 ms | p99 ms | old recount (SQL) p50 ms | load |");
  console.log("| ---: | ---: | ---: | ---: | --- |");
  for (const row of reads)
    console.log(
      `| ${row.ballots} | ${row.p50_ms} | ${row.p99_ms} | ${row.old_recount_sql_p50_ms} | ${row.load} |`,
    );
  console.log(
    `\nvotes/s spread ${votes.spread?.rps}, hot ${votes.hot?.rps}: hot/spread ${report.hot_vs_spread}`,
  );
  console.log(`live: ${JSON.stringify(live)}`);
}

await main();
process.exit(0);
