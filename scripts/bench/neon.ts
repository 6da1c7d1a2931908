/**
 * `npm run bench:neon`: the Neon driver path beside the pg path, same scenario, same run.
 * One PostgreSQL server behind one PgBouncer (transaction mode); the built worker twice in
 * workerd: pg over the HYPERDRIVE binding to the pool, and `DATABASE_DRIVER=neon` through the
 * WebSocket proxy in front of the same pool (scripts/lib/neon-ws-proxy.ts), as Neon's pooled
 * endpoint sits. Each round sends the scenario to both workers, alternating which goes first,
 * so load on the machine falls on both alike. BENCH_NEON_ROUNDS (default 150).
 */
import { loadavg } from "node:os";
import { startGithubUpstream } from "../lib/github-upstream.ts";
import { buildWorker, type LocalWorker, registerAccount, startLocalWorker } from "../lib/local-worker.ts";
import { startNeonWsProxy } from "../lib/neon-ws-proxy.ts";
import { startPgbouncer } from "../lib/pgbouncer.ts";
import { startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";

const ROUNDS = Number(process.env.BENCH_NEON_ROUNDS ?? 150);
const JWT_SECRET = "neon-bench-jwt-secret-0123456789abcdef";
const QUIET = { JWT_SECRET, LOG_CHANNELS: "error=off,access=off" };

/** One request of each kind the API makes most: a write, a read by id, a list. */
async function scenario(worker: LocalWorker, token: string): Promise<number> {
  const headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const started = performance.now();
  const created = await fetch(new URL("/notes", worker.url), {
    method: "POST",
    headers,
    body: JSON.stringify({ title: "bench", content: "neon vs pg" }),
  });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  for (const path of [`/notes/${id}`, "/notes?limit=20"]) {
    const response = await fetch(new URL(path, worker.url), { headers });
    if (response.status !== 200) throw new Error(`${path}: ${response.status}`);
    await response.arrayBuffer();
  }
  return performance.now() - started;
}

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;

const bundle = buildWorker();
const database = await startPostgresServer();
await migrateDatabase(database.url);
const pool = await startPgbouncer(database.url);
const proxy = await startNeonWsProxy(pool.url);
const github = await startGithubUpstream();
const workers = {
  pg: await startLocalWorker({
    databaseUrl: pool.url,
    githubApiUrl: github.url,
    scriptPath: bundle,
    bindings: QUIET,
  }),
  neon: await startLocalWorker({
    databaseUrl: pool.url,
    githubApiUrl: github.url,
    scriptPath: bundle,
    bindings: { ...QUIET, DATABASE_DRIVER: "neon", DATABASE_URL: pool.url, NEON_WS_PROXY: proxy.address },
  }),
};
try {
  const tokens = {
    pg: (await registerAccount(workers.pg.url, "bench-pg")).access_token,
    neon: (await registerAccount(workers.neon.url, "bench-neon")).access_token,
  };
  const samples: Record<keyof typeof workers, number[]> = { pg: [], neon: [] };
  for (let round = 0; round < 10; round += 1) {
    for (const name of ["pg", "neon"] as const) await scenario(workers[name], tokens[name]);
  }
  const loadBefore = loadavg()[0] ?? 0;
  for (let round = 0; round < ROUNDS; round += 1) {
    const order = round % 2 === 0 ? (["pg", "neon"] as const) : (["neon", "pg"] as const);
    for (const name of order) samples[name].push(await scenario(workers[name], tokens[name]));
  }
  const loadAfter = loadavg()[0] ?? 0;
  console.log(
    `\nNeon vs pg, ${ROUNDS} rounds of POST /notes + GET /notes/{id} + GET /notes (ms per round); load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}`,
  );
  const medians: Record<string, number> = {};
  for (const [name, values] of Object.entries(samples)) {
    const sorted = [...values].sort((a, b) => a - b);
    medians[name] = quantile(sorted, 0.5);
    console.log(
      `  ${name.padEnd(5)} median ${quantile(sorted, 0.5).toFixed(1)}  p95 ${quantile(sorted, 0.95).toFixed(1)}`,
    );
  }
  console.log(`  neon / pg (median): ${((medians.neon ?? 0) / (medians.pg || 1)).toFixed(2)}×`);
} finally {
  await Promise.all([workers.pg.stop(), workers.neon.stop()]);
  await proxy.stop();
  await pool.stop();
  await Promise.all([database.stop(), github.stop()]);
}
