/**
 * `npm run bench:outage`: how long requests take to fail once PostgreSQL is gone, straight to
 * the server and through PgBouncer (transaction mode), with the worker's default statement
 * budget (5 s; client backstop 6 s). Each route is timed BENCH_OUTAGE_SAMPLES times (default 5).
 */
import { startGithubUpstream } from "../lib/github-upstream.ts";
import { buildWorker, registerAccount, startLocalWorker } from "../lib/local-worker.ts";
import { startPgbouncer } from "../lib/pgbouncer.ts";
import { startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";

const SAMPLES = Number(process.env.BENCH_OUTAGE_SAMPLES ?? 5);
const JWT_SECRET = "outage-bench-jwt-secret-0123456789abcdef";

const bundle = buildWorker();
const database = await startPostgresServer();
await migrateDatabase(database.url);
const pool = await startPgbouncer(database.url);
const github = await startGithubUpstream();
const workers = {
  direct: await startLocalWorker({
    databaseUrl: database.url,
    scriptPath: bundle,
    bindings: { JWT_SECRET, LOG_CHANNELS: "error=off,access=off" },
  }),
  pgbouncer: await startLocalWorker({
    databaseUrl: pool.url,
    scriptPath: bundle,
    bindings: { JWT_SECRET, LOG_CHANNELS: "error=off,access=off" },
  }),
};
const { access_token: token } = await registerAccount(workers.direct.url, "outage");
// Warm both paths (and the pool's server connections) before the outage.
for (const worker of Object.values(workers)) await fetch(new URL("/polls", worker.url));
await database.stop();

const routes: Array<[string, string, RequestInit]> = [
  ["GET /notes", "/notes", { headers: { Authorization: `Bearer ${token}` } }],
  [
    "POST /auth/login",
    "/auth/login",
    {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email: "nobody@bench.test", password: "outage-Password-1" }),
    },
  ],
  ["GET /polls", "/polls", {}],
];
console.log("| path | route | statuses | min ms | median ms | max ms |");
console.log("| --- | --- | --- | ---: | ---: | ---: |");
for (const [via, worker] of Object.entries(workers)) {
  for (const [name, path, init] of routes) {
    const times: number[] = [];
    const statuses = new Set<number>();
    for (let i = 0; i < SAMPLES; i += 1) {
      const started = performance.now();
      const response = await fetch(new URL(path, worker.url), {
        ...init,
        signal: AbortSignal.timeout(20_000),
      });
      await response.arrayBuffer();
      times.push(performance.now() - started);
      statuses.add(response.status);
    }
    times.sort((a, b) => a - b);
    const ms = (value: number | undefined) => Math.round(value ?? 0);
    console.log(
      `| ${via} | ${name} | ${[...statuses].join(",")} | ${ms(times[0])} | ${ms(times[Math.floor(times.length / 2)])} | ${ms(times.at(-1))} |`,
    );
  }
}
await Promise.all(Object.values(workers).map((worker) => worker.stop()));
await pool.stop();
await github.stop();
process.exit(0);
