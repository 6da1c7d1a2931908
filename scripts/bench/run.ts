/**
 * `npm run bench`: the built worker in workerd via Miniflare, a real PostgreSQL server,
 * KV, the stats Durable Object and the local GitHub upstream; load from a separate
 * process (autocannon), loopback only, bounded in time. Prints a table and writes JSON to
 * bench/results/. Environment: BENCH_SECONDS (per scenario, default 6), BENCH_CONNECTIONS
 * (default 32), BENCH_MEMORY_SECONDS (default 60), DATABASE_URL (else a throwaway server),
 * BENCH_ONLY=db (only the database scenarios, no memory phase), BENCH_POOL=off (skip the
 * pooled runs). Every database scenario runs twice back to back: the worker straight to
 * Postgres, then a second worker through PgBouncer in transaction mode (as Hyperdrive pools).
 * The first rows are /health beside a trivial worker in the same harness (ceiling.ts).
 * Before any load: the bundle's size and its startup busy time beside the trivial worker's
 * (startup.ts; BENCH_STARTUP=off skips it). After the scenarios: CPU per request by route
 * beside the trivial worker and a minimal worker doing a database route's I/O (cpu.ts).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sign } from "hono/jwt";
import pg from "pg";
import { startGithubUpstream } from "../lib/github-upstream.ts";
import { buildWorker, ROOT, registerAccount, startLocalWorker } from "../lib/local-worker.ts";
import { findPgbouncer, startPgbouncer } from "../lib/pgbouncer.ts";
import { findPostgresBinaries, freePort, startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";
import {
  ceilingScenarios,
  loadAverage,
  startCeilingTargets,
  startTrivialWorker,
  stopCeilingTargets,
} from "./ceiling.ts";
import { cpuByRoute, startMinimalWorker, withWorkerdPid } from "./cpu.ts";
import type { LoadSpec } from "./load.ts";
import {
  connectionCost,
  isolateHeapUsed,
  resetStatements,
  slope,
  statementCount,
  workerdRssKiB,
} from "./measure.ts";
import { runLoad } from "./run-load.ts";
import { SEARCH_WORDS, seedNotes, seedVoters } from "./seed.ts";
import { bundleSize, measureStartup } from "./startup.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const MEMORY_SECONDS = Number(process.env.BENCH_MEMORY_SECONDS ?? 60);
const JWT_SECRET = "bench-only-jwt-secret-0123456789abcdef";
const NOTES = 10_000;
const ONLY_DB = process.env.BENCH_ONLY === "db";
/**
 * What both bench workers run with. One account sends every note request, so its limits are
 * raised to what a load run needs: the figures are then each route's cost, not its refusals.
 */
const BENCH_BINDINGS = {
  JWT_SECRET,
  // Access lines would be piped through Miniflare's Node process, not Workers Logs: keep
  // logging to warnings so the figures are the worker's, not the log pipe's.
  LOG_LEVEL: "warn",
  // Registration buckets for the seeded voters; 64 concurrent searches per account (2 in
  // production) for the 32 connections of the search scenario.
  RATE_LIMIT_POLICY: "register_ip=100000/60,register_global=100000/60,search_slots=64",
  // The account is seeded with NOTES notes, the default quota: the create scenario needs room.
  QUOTA_NOTES: String(NOTES * 100),
};
const MINIMAL = "minimal I/O worker (1 query + 1 KV read)";
/** The minimal worker doing what an authenticated database read does on the wire. */
const ROUTE_SHAPED = "minimal I/O worker, route-shaped (2 rate-limit calls, then 1 query)";
// The same I/O as a route: its two rate-limit calls and its very query, rows sent back as JSON.
const LIST_QUERY = "minimal I/O worker, the list page's query (2 rate-limit calls, same rows)";
const RESULTS_QUERY = "minimal I/O worker, the results query (2 rate-limit calls, same rows)";
const POOLED = process.env.BENCH_POOL !== "off" && Boolean(findPgbouncer());

async function main() {
  const started = Date.now();
  console.log("building the worker bundle…");
  const bundle = bundleSize(buildWorker());
  console.log(
    `bundle: ${(bundle.bytes / 1024).toFixed(0)} KiB, ${(bundle.gzipBytes / 1024).toFixed(0)} KiB gzipped`,
  );
  console.log("startup: profiling this worker and the trivial one (wrangler check startup)…");
  const startup = process.env.BENCH_STARTUP === "off" ? undefined : measureStartup();
  console.log(`startup: ${JSON.stringify(startup)}, load ${loadAverage()}`);

  const external = process.env.DATABASE_URL;
  if (!external && !findPostgresBinaries())
    throw new Error("No PostgreSQL server binaries; set DATABASE_URL.");
  const database = external ? { url: external, stop: async () => undefined } : await startPostgresServer();
  await migrateDatabase(database.url);
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await admin.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").catch(() => undefined);
  await admin.end();
  const github = await startGithubUpstream();
  const inspectorPort = await freePort();
  const worker = await withWorkerdPid(() =>
    startLocalWorker({
      inspectorPort,
      databaseUrl: database.url,
      githubApiUrl: github.url,
      bindings: BENCH_BINDINGS,
    }),
  );
  const base = worker.url.href.replace(/\/$/, "");
  // The trivial worker and its copy of /health's answer: /health's ceiling (ceiling.ts).
  const ceilingTargets = await startCeilingTargets(worker.url);
  // The same bundle behind PgBouncer (transaction mode): the pooled half of each DB scenario.
  const pool = POOLED ? await startPgbouncer(database.url) : undefined;
  const pooledWorker = pool
    ? await startLocalWorker({
        databaseUrl: pool.url,
        githubApiUrl: github.url,
        bindings: BENCH_BINDINGS,
      })
    : undefined;
  const pooledBase = pooledWorker?.url.href.replace(/\/$/, "");
  console.log(`worker on ${base}${pooledBase ? `, pooled worker on ${pooledBase}` : ""}; seeding…`);

  const session = await registerAccount(base, "bench");
  // A long-lived token for the run (the API's own tokens last 15 minutes).
  const now = Math.floor(Date.now() / 1000);
  const token = await sign(
    { sub: session.user.id, role: "user", iss: "devhub-api", aud: "devhub-api", iat: now, exp: now + 3600 },
    JWT_SECRET,
    "HS256",
  );
  const auth = { Authorization: `Bearer ${token}` };
  const noteIds = await seedNotes(database.url, session.user.id, NOTES);
  const voterIds = await seedVoters(database.url, 40_000);
  const voterTokens = await Promise.all(
    voterIds.map((sub) =>
      sign(
        { sub, role: "user", iss: "devhub-api", aud: "devhub-api", iat: now, exp: now + 3600 },
        JWT_SECRET,
        "HS256",
      ),
    ),
  );
  const pollResponse = await fetch(`${base}/polls`, {
    method: "POST",
    headers: { ...auth, "Content-Type": "application/json" },
    body: JSON.stringify({
      title: "Bench poll",
      questions: [{ prompt: "Pick", choices: [{ label: "A" }, { label: "B" }, { label: "C" }] }],
    }),
  });
  const poll = (await pollResponse.json()) as {
    id: string;
    questions: Array<{ id: string; choices: Array<{ id: string }> }>;
  };
  const question = poll.questions[0] as { id: string; choices: Array<{ id: string }> };
  const hitLogin = "r150-benchhit";
  await fetch(`${base}/github/users/${hitLogin}/repos`);

  const spec = (partial: Partial<LoadSpec> & Pick<LoadSpec, "path">): LoadSpec => ({
    url: base,
    method: "GET",
    connections: CONNECTIONS,
    durationSeconds: SECONDS,
    ...partial,
  });
  const scenarios: Array<{ name: string; spec: LoadSpec; db: boolean }> = [
    ...ceilingScenarios(ceilingTargets, worker.url, spec),
    { name: "docs openapi.json", spec: spec({ path: "/openapi.json" }), db: false },
    {
      name: "notes: get by id",
      spec: spec({
        path: "/notes",
        headers: auth,
        variants: noteIds.slice(0, 2000).map((id) => ({ path: `/notes/${id}` })),
      }),
      db: true,
    },
    { name: "notes: list page", spec: spec({ path: "/notes?limit=20", headers: auth }), db: true },
    {
      name: "notes: search (10k)",
      spec: spec({
        path: "/notes",
        headers: auth,
        variants: SEARCH_WORDS.map((word) => ({ path: `/notes?q=${word}&limit=20` })),
      }),
      db: true,
    },
    {
      name: "notes: create",
      spec: spec({
        method: "POST",
        path: "/notes",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({ title: "bench note", content: "created under load", tags: ["bench"] }),
      }),
      db: true,
    },
    {
      name: "polls: vote (distinct voters)",
      spec: spec({
        method: "POST",
        path: `/polls/${poll.id}/votes`,
        headers: { "Content-Type": "application/json" },
        variants: voterTokens.map((voter, index) => ({
          headers: { Authorization: `Bearer ${voter}` },
          body: JSON.stringify({
            answers: [{ question_id: question.id, choice_ids: [question.choices[index % 3]?.id] }],
          }),
        })),
      }),
      db: true,
    },
    {
      name: "polls: results read",
      spec: spec({ path: `/polls/${poll.id}/results`, headers: auth }),
      db: true,
    },
    { name: "github: cached read (hit)", spec: spec({ path: `/github/users/${hitLogin}/repos` }), db: false },
    {
      name: "github: miss (local upstream)",
      spec: spec({
        path: "/github",
        variants: Array.from({ length: 60_000 }, (_, i) => ({ path: `/github/repos/r3-miss${i}/repo-0001` })),
      }),
      db: false,
    },
    { name: "stats", spec: spec({ path: "/stats" }), db: true },
  ];
  // Each DB scenario again through the pool, right after its direct run (a ratio measured
  // under the same load). Voters are taken from the other end so none votes twice.
  for (let index = scenarios.length - 1; index >= 0 && pooledBase; index -= 1) {
    const scenario = scenarios[index] as (typeof scenarios)[number];
    if (!scenario.db) continue;
    const variants = scenario.name.startsWith("polls: vote")
      ? [...(scenario.spec.variants ?? [])].reverse()
      : scenario.spec.variants;
    scenario.name = `${scenario.name} [direct]`;
    const pooled = { ...scenario.spec, url: pooledBase, variants };
    scenarios.splice(index + 1, 0, {
      name: scenario.name.replace("[direct]", "[pgbouncer]"),
      spec: pooled,
      db: true,
    });
  }
  if (ONLY_DB)
    scenarios.splice(
      0,
      scenarios.length,
      ...scenarios.filter((s) => s.db || s.name.startsWith("health") || s.name.startsWith("trivial")),
    );

  /** Requests the local GitHub upstream received (all users), to prove hits cost none. */
  const upstreamCalls = async () =>
    ((await (await fetch(`${github.url}/__stats/users/${hitLogin}`)).json()) as { requests: number })
      .requests;

  const results: Array<Record<string, unknown>> = [];
  let ceiling = 0;
  let trivial = 0;
  for (const scenario of scenarios) {
    await resetStatements(database.url).catch(() => undefined);
    const before = (await (await fetch(`${base}/stats`)).json()) as {
      pipeline: { flushes_received: number };
    };
    const upstreamBefore = await upstreamCalls();
    const load = await runLoad(scenario.spec);
    const upstreamDuring = (await upstreamCalls()) - upstreamBefore;
    const statements = await statementCount(database.url).catch(() => Number.NaN);
    const after = (await (await fetch(`${base}/stats`)).json()) as { pipeline: { flushes_received: number } };
    if (scenario.name === "health") ceiling = load.rps;
    if (scenario.name.startsWith("trivial")) trivial = load.rps;
    const ok = load.requests - load.non2xx - load.errors;
    // The /stats read before the run adds one statement (its `select 1`) and one flush.
    const flushes = after.pipeline.flushes_received - before.pipeline.flushes_received - 1;
    const statsOverhead = 1;
    const row = {
      scenario: scenario.name,
      rps: Math.round(load.rps),
      p50_ms: load.p50,
      p90_ms: load.p90,
      p99_ms: load.p99,
      errors: load.errors + load.non2xx,
      statuses: load.statuses,
      vs_health: ceiling ? Math.round((load.rps / ceiling) * 100) / 100 : null,
      vs_trivial: trivial ? Math.round((load.rps / trivial) * 100) / 100 : null,
      load_1min: loadAverage(),
      db_round_trips_per_request: Number.isNaN(statements)
        ? null
        : Math.round(((statements - statsOverhead) / Math.max(1, load.sent)) * 100) / 100,
      stats_flushes_per_second: Math.round((flushes / SECONDS) * 100) / 100,
      github_hit_user_upstream_calls: upstreamDuring,
      ok_requests: ok,
    };
    results.push(row);
    console.log(JSON.stringify(row));
  }

  // CPU per request, each worker on its own workerd: /health right after the trivial worker, each
  // database route right after the minimal worker doing its I/O (same load); the cached GitHub
  // read beside the plainest minimal worker, from the same run.
  const minimal = await startMinimalWorker(database.url);
  const trivialCpu = await withWorkerdPid(() => startTrivialWorker());
  const onMinimal = (path: string) => spec({ path, url: minimal.url.origin });
  const getById = scenarios.find((s) => s.name.startsWith("notes: get by id"))?.spec;
  if (!getById) throw new Error("no get-by-id scenario to measure");
  const measured = await cpuByRoute(
    [
      { name: "trivial worker", worker: trivialCpu, spec: spec({ path: "/", url: trivialCpu.url.origin }) },
      { name: "health", worker, spec: spec({ path: "/health" }), versus: "trivial worker" },
      { name: MINIMAL, worker: minimal, spec: onMinimal("/") },
      { name: ROUTE_SHAPED, worker: minimal, spec: onMinimal("/?shape=route") },
      { name: "notes: get by id", worker, spec: getById, versus: ROUTE_SHAPED },
      { name: LIST_QUERY, worker: minimal, spec: onMinimal(`/?shape=list&user=${session.user.id}`) },
      {
        name: "notes: list page",
        worker,
        spec: spec({ path: "/notes?limit=20", headers: auth }),
        versus: LIST_QUERY,
      },
      {
        name: RESULTS_QUERY,
        worker: minimal,
        spec: onMinimal(`/?shape=results&poll=${poll.id}&user=${session.user.id}`),
      },
      {
        name: "polls: results read",
        worker,
        spec: spec({ path: `/polls/${poll.id}/results`, headers: auth }),
        versus: RESULTS_QUERY,
      },
      {
        name: "github: cached read (hit)",
        worker,
        spec: spec({ path: `/github/users/${hitLogin}/repos` }),
        versus: MINIMAL,
      },
    ],
    loadAverage,
  );
  await Promise.all([minimal.stop(), trivialCpu.stop()]);
  // The database routes beside the route-shaped minimal worker too (the same run, no new load).
  const shaped = measured.find((row) => row.scenario === ROUTE_SHAPED);
  const cpu = measured.map((row) => ({
    ...row,
    ratio_route_shaped:
      shaped && row.versus?.startsWith("minimal")
        ? Math.round((row.cpuMsPerRequest / shaped.cpuMsPerRequest) * 100) / 100
        : null,
  }));

  const mixed = (seconds: number) =>
    spec({
      path: "/health",
      durationSeconds: seconds,
      variants: [
        { path: "/health" },
        { path: `/github/users/${hitLogin}/repos` },
        { path: "/notes?limit=20", headers: auth },
        { path: `/polls/${poll.id}/results`, headers: auth },
      ],
    });
  // workerd's heap grows to a plateau under load before it levels off; measure after that.
  console.log(ONLY_DB ? "memory: skipped (BENCH_ONLY=db)" : "memory: 20 s warm-up under mixed load…");
  if (!ONLY_DB) await runLoad(mixed(20));
  if (!ONLY_DB)
    console.log(`memory: ${MEMORY_SECONDS}s of mixed load while sampling the isolate heap and workerd RSS…`);
  const rss: Array<[number, number]> = [];
  const heap: Array<[number, number]> = [];
  const memoryStart = Date.now();
  const seconds = () => (Date.now() - memoryStart) / 1000;
  const heapSampler = setInterval(async () => {
    const used = await isolateHeapUsed(inspectorPort).catch(() => Number.NaN);
    if (!Number.isNaN(used)) heap.push([seconds(), used / 1024]);
  }, 1000);
  const rssSampler = setInterval(async () => rss.push([seconds(), await workerdRssKiB()]), 5000);
  const memoryLoad = ONLY_DB ? { requests: 0 } : await runLoad(mixed(MEMORY_SECONDS));
  clearInterval(heapSampler);
  clearInterval(rssSampler);
  // The heap is a sawtooth; its troughs (the lowest sample of each 10 s window) are what the
  // worker retains after collection. A leak shows as rising troughs.
  const troughs: Array<[number, number]> = [];
  for (let window = 0; window < MEMORY_SECONDS; window += 10) {
    const inWindow = heap.filter(([t]) => t >= window && t < window + 10).map(([, kib]) => kib);
    if (inWindow.length) troughs.push([window + 5, Math.min(...inWindow)]);
  }
  const firstTrough = troughs[0]?.[1] ?? 0;
  const lastTrough = troughs.at(-1)?.[1] ?? 0;
  const memory = {
    requests: memoryLoad.requests,
    heap_trough_kib: troughs.map(([t, kib]) => [t, Math.round(kib)]),
    heap_trough_slope_kib_per_minute: Math.round(slope(troughs) * 60),
    heap_growth_percent: firstTrough ? Math.round((lastTrough / firstTrough - 1) * 1000) / 10 : null,
    heap_peak_mib: Math.round(Math.max(0, ...heap.map(([, kib]) => kib)) / 102.4) / 10,
    rss_kib: rss.map(([t, kib]) => [Math.round(t), kib]),
    rss_slope_kib_per_minute: Math.round(slope(rss) * 60),
  };
  console.log(JSON.stringify(memory));

  const connections = await connectionCost(database.url);
  await worker.stop();
  await stopCeilingTargets(ceilingTargets);
  await pooledWorker?.stop();
  await pool?.stop();
  await github.stop();
  await database.stop();

  const report = {
    at: new Date().toISOString(),
    machine: { cores: (await import("node:os")).cpus().length, node: process.version },
    seconds_per_scenario: SECONDS,
    connections: CONNECTIONS,
    bundle: { bytes: bundle.bytes, gzip_bytes: bundle.gzipBytes },
    startup_busy_ms: startup ?? null,
    cpu_per_request: cpu,
    scenarios: results,
    memory,
    connection_setup_ms: {
      pg: Math.round(connections.pg * 100) / 100,
      postgres: Math.round(connections.postgres * 100) / 100,
    },
    total_seconds: Math.round((Date.now() - started) / 1000),
  };
  await mkdir(join(ROOT, "bench", "results"), { recursive: true });
  const stamp = report.at.replace(/[:.]/g, "-");
  await writeFile(
    join(ROOT, "bench", "results", `bench-${stamp}.json`),
    `${JSON.stringify(report, null, 2)}\n`,
  );
  await writeFile(join(ROOT, "bench", "results", "latest.json"), `${JSON.stringify(report, null, 2)}\n`);

  console.log(
    "\n| scenario | req/s | p50 ms | p90 ms | p99 ms | errors | vs /health | vs trivial | DB round trips/req | stats flushes/s | GitHub calls (hit user) | load (1 min) |",
  );
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const row of results) {
    console.log(
      `| ${row.scenario} | ${row.rps} | ${row.p50_ms} | ${row.p90_ms} | ${row.p99_ms} | ${row.errors} | ${row.vs_health} | ${row.vs_trivial} | ${row.db_round_trips_per_request} | ${row.stats_flushes_per_second} | ${row.github_hit_user_upstream_calls} | ${row.load_1min} |`,
    );
  }
  console.log(
    "\n| CPU per request | ms | ÷ baseline | baseline | ÷ route-shaped minimal | req/s | errors | load (1 min) |",
  );
  console.log("| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: |");
  for (const row of cpu) {
    console.log(
      `| ${row.scenario} | ${row.cpuMsPerRequest} | ${row.ratio ?? ""} | ${row.versus ?? ""} | ${row.ratio_route_shaped ?? ""} | ${row.rps} | ${row.errors} | ${row.load_1min} |`,
    );
  }
  console.log(
    `\nbundle: ${(bundle.bytes / 1024).toFixed(0)} KiB, ${(bundle.gzipBytes / 1024).toFixed(0)} KiB gzipped (goal ≤ 400 KiB)`,
  );
  if (startup)
    console.log(
      `startup busy: ${startup.worker.ms} ms, trivial worker ${startup.trivial.ms} ms (× ${startup.ratio ?? "n/a: no busy sample in the trivial worker's profile"}; goal ≤ 2.5)${startup.baseline ? `, baseline build ${startup.baseline.ms} ms` : ""}; profile wall time ${startup.worker.wallMs} ms vs ${startup.trivial.wallMs} ms (× ${startup.wallRatio}); the trivial worker carrying this bundle unrun: ${startup.sameCode.ms} ms busy, ${startup.sameCode.wallMs} ms wall`,
    );
  console.log(
    `memory over ${MEMORY_SECONDS}s (after 20 s warm-up): isolate heap troughs ${memory.heap_trough_kib.map(([, kib]) => Math.round((kib ?? 0) / 1024)).join(" → ")} MiB (${memory.heap_growth_percent}%, ${memory.heap_trough_slope_kib_per_minute} KiB/min), peak ${memory.heap_peak_mib} MiB; workerd RSS trend ${memory.rss_slope_kib_per_minute} KiB/min`,
  );
  console.log(
    `connection setup + select 1 + close: pg ${report.connection_setup_ms.pg} ms, postgres ${report.connection_setup_ms.postgres} ms`,
  );
  console.log(`total ${report.total_seconds}s`);
}

await main();
process.exit(0);
