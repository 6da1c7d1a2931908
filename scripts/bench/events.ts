/**
 * `npm run bench:events`: what the event log costs and how fast webhooks arrive.
 *
 * 1. Note creates and votes under load (autocannon, BENCH_SECONDS each, BENCH_CONNECTIONS) on
 *    this checkout's worker and on the same tree built with the event log switched off, same
 *    PostgreSQL, run back to back under the same machine load:
 *    req/s of each and events written per second.
 * 2. Delivery latency, commit → receipt, for 1,000 note.created events to a local receiver
 *    (scripts/lib/webhook-receiver.ts); "commit" is the event row's `created_at` (its
 *    transaction's start, so the figure is an upper bound).
 * 3. Outage: the receiver answers 503 for BENCH_OUTAGE_SECONDS (default 60) while 200 notes are
 *    created; after it comes back every event must arrive exactly once. The retry base delay is
 *    shortened to 5 s for this run (WEBHOOK_RETRY_BASE_SECONDS), else the first retries would
 *    wait minutes.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { sign } from "hono/jwt";
import pg from "pg";
import { buildWorker, ROOT, registerAccount, startLocalWorker } from "../lib/local-worker.ts";
import { startPostgresServer } from "../lib/postgres-server.ts";
import { startWebhookReceiver } from "../lib/webhook-receiver.ts";
import { migrateDatabase } from "../migrate.ts";
import { loadAverage } from "./ceiling.ts";
import { median, percentile } from "./percentiles.ts";
import { runLoad } from "./run-load.ts";
import { seedVoters } from "./seed.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
/** BENCH_LOAD_ONLY=1 measures the routes' cost only (no delivery latency, no outage). */
const LOAD_ONLY = process.env.BENCH_LOAD_ONLY === "1";
const OUTAGE_SECONDS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 60);
const JWT_SECRET = "bench-only-jwt-secret-0123456789abcdef";

/**
 * The baseline bundle: this checkout's tree with the event log switched off, so the two
 * bundles differ in nothing else. `recordEvent(s)` write nothing, the results hint returns at
 * once and the outbox middleware only calls through. (A baseline from an older commit would
 * also carry every other change since, and measure those too.)
 */
const WITHOUT_EVENTS: Record<string, string> = {
  "src/events/record-event.ts": `import { uuidv7 } from "../lib/ids.ts";
export async function recordEvent(): Promise<string> { return uuidv7(); }
export async function recordEvents(_tx: unknown, batch: readonly unknown[]): Promise<string[]> { return batch.map(() => uuidv7()); }
`,
  "src/events/poll-results-event.ts": `export const RESULTS_EVENT_WINDOW_SECONDS = 10;
export async function recordResultsChanged(): Promise<void> {}
`,
  "src/events/events.middleware.ts": `import type { MiddlewareHandler } from "hono";
export function eventOutbox(): MiddlewareHandler { return (_c, next) => next(); }
`,
};

function buildBaseline(): string {
  const dir = mkdtempSync(join(tmpdir(), "events-baseline-"));
  const files = spawnSync(
    "git",
    ["-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    {
      encoding: "utf8",
    },
  )
    .stdout.split("\0")
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(ROOT, file))) continue;
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    copyFileSync(join(ROOT, file), join(dir, file));
  }
  for (const [file, text] of Object.entries(WITHOUT_EVENTS)) writeFileSync(join(dir, file), text);
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"));
  cpSync(join(ROOT, "public"), join(dir, "public"), { recursive: true });
  const wrangler = join(ROOT, "node_modules/wrangler/bin/wrangler.js");
  const run = spawnSync(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", "dist"], {
    cwd: dir,
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`baseline build failed: ${run.stdout}\n${run.stderr}`);
  return join(dir, "dist", "index.js");
}

/** Per route: the median req/s of each variant over the rounds, and what the events cost. */
function routeCost(load: Record<string, Record<string, { rps: number }>>) {
  const byRoute: Record<string, { baseline: number[]; events: number[] }> = {};
  for (const [key, variants] of Object.entries(load)) {
    const route = key.replace(/ \(round \d+\)$/, "");
    byRoute[route] ??= { baseline: [], events: [] };
    for (const variant of ["baseline", "events"] as const) {
      const rps = variants[variant]?.rps;
      if (rps !== undefined) byRoute[route][variant].push(rps);
    }
  }
  return Object.fromEntries(
    Object.entries(byRoute).map(([route, { baseline, events }]) => {
      const [withoutEvents, withEvents] = [median(baseline), median(events)];
      return [
        route,
        { withoutEvents, withEvents, costPercent: Math.round((1 - withEvents / withoutEvents) * 1000) / 10 },
      ];
    }),
  );
}

async function countEvents(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM events");
  await client.end();
  return rows[0]?.n ?? 0;
}

async function main() {
  const database = await startPostgresServer();
  await migrateDatabase(database.url);
  const receiver = await startWebhookReceiver();
  console.log("building the worker and the baseline…");
  const bundles = { events: buildWorker(), baseline: buildBaseline() };
  const bindings = {
    JWT_SECRET,
    LOG_LEVEL: "warn",
    WEBHOOK_ALLOW_LOOPBACK: "true",
    WEBHOOK_RETRY_BASE_SECONDS: "5",
  };
  const voterIds = await seedVoters(database.url, 60_000);
  const now = Math.floor(Date.now() / 1000);
  const tokenFor = (sub: string) =>
    sign(
      { sub, role: "user", iss: "devhub-api", aud: "devhub-api", iat: now, exp: now + 7200 },
      JWT_SECRET,
      "HS256",
    );
  const voterTokens = await Promise.all(voterIds.map(tokenFor));
  let nextVoter = 0;

  const load: Record<string, Record<string, { rps: number; eventsPerSecond: number; p99: number }>> = {};
  console.log(`load average before: ${loadAverage()}`);
  const perRun = Math.floor(60_000 / (ROUNDS * 2));
  for (let round = 1; round <= ROUNDS; round++) {
    // ABBA order, so a drift in the machine's load weighs on both variants alike.
    const order = round % 2 === 1 ? (["baseline", "events"] as const) : (["events", "baseline"] as const);
    for (const variant of order) {
      const worker = await startLocalWorker({
        databaseUrl: database.url,
        scriptPath: bundles[variant],
        bindings,
      });
      const base = worker.url.toString().replace(/\/$/, "");
      const session = await registerAccount(base, "bench");
      const auth = { Authorization: `Bearer ${session.access_token}` };
      const poll = (await (
        await fetch(`${base}/polls`, {
          method: "POST",
          headers: { ...auth, "Content-Type": "application/json" },
          body: JSON.stringify({
            title: "Bench poll",
            questions: [{ prompt: "Pick", choices: [{ label: "A" }, { label: "B" }] }],
          }),
        })
      ).json()) as { id: string; questions: Array<{ id: string; choices: Array<{ id: string }> }> };
      const question = poll.questions[0] as { id: string; choices: Array<{ id: string }> };
      // Each run gets voters of its own, so none votes twice.
      const voters = voterTokens.slice(nextVoter, nextVoter + perRun);
      nextVoter += perRun;
      const scenarios = {
        "POST /notes": {
          method: "POST",
          path: "/notes",
          headers: { ...auth, "Content-Type": "application/json" },
          body: JSON.stringify({ title: "bench", content: "x" }),
        },
        "POST /polls/{id}/votes": {
          method: "POST",
          path: `/polls/${poll.id}/votes`,
          headers: { "Content-Type": "application/json" },
          variants: voters.map((voter, index) => ({
            headers: { Authorization: `Bearer ${voter}` },
            body: JSON.stringify({
              answers: [{ question_id: question.id, choice_ids: [question.choices[index % 2]?.id] }],
            }),
          })),
        },
      };
      for (const [name, scenario] of Object.entries(scenarios)) {
        const before = await countEvents(database.url);
        const result = await runLoad({
          url: base,
          connections: CONNECTIONS,
          durationSeconds: SECONDS,
          ...scenario,
        });
        const written = (await countEvents(database.url)) - before;
        const key = `${name} (round ${round})`;
        load[key] ??= {};
        (load[key] as Record<string, unknown>)[variant] = {
          rps: Math.round(result.rps),
          eventsPerSecond: Math.round((written / SECONDS) * 10) / 10,
          p99: result.p99,
          non2xx: result.non2xx,
        };
        console.log(key, variant, JSON.stringify(load[key]?.[variant]), `load ${loadAverage()}`);
      }
      await worker.stop();
    }
  }

  const cost = routeCost(load);
  console.log("route cost (median req/s over the rounds):", JSON.stringify(cost, null, 2));
  if (LOAD_ONLY) {
    await receiver.stop();
    await database.stop();
    rmSync(join(bundles.baseline, "..", ".."), { recursive: true, force: true });
    return;
  }

  // Delivery latency and the outage, on this checkout's worker.
  const worker = await startLocalWorker({ databaseUrl: database.url, scriptPath: bundles.events, bindings });
  const base = worker.url.toString().replace(/\/$/, "");
  const session = await registerAccount(base, "hooks");
  const auth = { Authorization: `Bearer ${session.access_token}`, "Content-Type": "application/json" };
  const latency = async (token: string, count: number) => {
    const hook = await fetch(`${base}/webhooks`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ url: `${receiver.url}/hooks/${token}`, event_types: ["note.created"] }),
    });
    if (hook.status !== 201) throw new Error(`webhook: ${hook.status} ${await hook.text()}`);
    const created: string[] = [];
    for (let i = 0; i < count; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, count - i) }, () =>
          fetch(`${base}/notes`, {
            method: "POST",
            headers: auth,
            body: JSON.stringify({ title: "hooked" }),
          }).then((r) => r.json() as Promise<{ id: string }>),
        ),
      );
      created.push(...batch.map((note) => note.id));
    }
    return created;
  };
  const waitForAll = async (token: string, count: number, timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs;
    while (receiver.received(token).length < count && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    return receiver.received(token);
  };
  const commitTimes = async (ids: string[]) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ id: string; at: Date }>(
      "SELECT id::text AS id, created_at AS at FROM events WHERE resource_id = ANY($1::text[])",
      [ids],
    );
    await client.end();
    return new Map(rows.map((row) => [row.id, row.at.getTime()]));
  };

  const fastToken = crypto.randomUUID();
  const fastNotes = await latency(fastToken, 1000);
  // A copy: the outage below creates notes on the same account, which this endpoint also receives.
  const fast = [...(await waitForAll(fastToken, 1000, 120_000))];
  const times = await commitTimes(fastNotes);
  const delays = fast
    .map((delivery) => delivery.at - (times.get(delivery.id) ?? Number.NaN))
    .sort((a, b) => a - b);

  const outageToken = crypto.randomUUID();
  receiver.control(outageToken, { down: true });
  const downAt = Date.now();
  const outageNotes = await latency(outageToken, 200);
  const remaining = OUTAGE_SECONDS * 1000 - (Date.now() - downAt);
  if (remaining > 0) await new Promise((r) => setTimeout(r, remaining));
  receiver.control(outageToken, { down: false });
  const upAt = Date.now();
  const after = await waitForAll(outageToken, 200, 10 * 60_000);
  await new Promise((r) => setTimeout(r, 10_000)); // a late duplicate would show up here
  const final = receiver.received(outageToken);
  const ids = final.map((delivery) => delivery.id);
  const outageTimes = await commitTimes(outageNotes);
  const report = {
    machine: {
      loadAverage: loadAverage(),
      seconds: SECONDS,
      connections: CONNECTIONS,
      baseline: "this tree, event log off",
    },
    load,
    cost,
    delivery: {
      events: fast.length,
      duplicates: fast.length - new Set(fast.map((delivery) => delivery.id)).size,
      p50Ms: percentile(delays, 50),
      p99Ms: percentile(delays, 99),
      maxMs: delays.at(-1),
    },
    outage: {
      downSeconds: Math.round((upAt - downAt) / 1000),
      events: outageNotes.length,
      received: after.length,
      unique: new Set(ids).size,
      duplicates: ids.length - new Set(ids).size,
      allFromTheLog: ids.every((id) => [...outageTimes.keys()].includes(id)),
      lastArrivalAfterUpSeconds: Math.round((Math.max(...final.map((d) => d.at)) - upAt) / 1000),
      refusedAttempts: (
        (await (await fetch(`${receiver.url}/__received/${outageToken}`)).json()) as { refused: number }
      ).refused,
    },
  };
  console.log(JSON.stringify(report, null, 2));
  await worker.stop();
  await receiver.stop();
  await database.stop();
  rmSync(join(bundles.baseline, "..", ".."), { recursive: true, force: true });
}

await main();
