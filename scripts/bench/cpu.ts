/**
 * CPU time per request, by route: the workerd process's CPU time (user + system, from
 * /proc/<pid>/stat) over a load run, divided by the requests it answered. Each Miniflare
 * instance runs its own workerd, so the figure covers everything that worker does for a
 * request (asset router, worker, its Durable Objects and bindings' local simulators), and the
 * minimal worker (scripts/bench/fixtures/minimal-io/: one pg query and one KV read through the
 * same bindings, nothing else) pays the same harness. Linux only (/proc).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type LocalWorker, ROOT, startLocalWorker } from "../lib/local-worker.ts";
import type { LoadSpec } from "./load.ts";
import { workerdProcesses } from "./measure.ts";
import { runLoad } from "./run-load.ts";

const MINIMAL_DIR = join(ROOT, "scripts", "bench", "fixtures", "minimal-io");
const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;

/** A local worker and the workerd process serving it. */
export interface MeasuredWorker extends LocalWorker {
  pid: number;
}

/** Starts a worker and finds its workerd: the one process that was not there before. */
export async function withWorkerdPid(start: () => Promise<LocalWorker>): Promise<MeasuredWorker> {
  const before = new Set((await workerdProcesses()).map((row) => row.pid));
  const worker = await start();
  const fresh = (await workerdProcesses()).filter((row) => !before.has(row.pid));
  if (fresh.length !== 1) throw new Error(`expected one new workerd process, found ${fresh.length}`);
  return { ...worker, pid: (fresh[0] as { pid: number }).pid };
}

/** CPU milliseconds (user + system) a process has used so far. */
export function cpuMilliseconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces): state is [0], utime [11], stime [12].
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

export interface CpuFigure {
  requests: number;
  rps: number;
  cpuMsPerRequest: number;
  errors: number;
}

/** One load run against `worker`, with its workerd's CPU time per answered request. */
export async function cpuPerRequest(worker: MeasuredWorker, spec: LoadSpec): Promise<CpuFigure> {
  await runLoad({ ...spec, durationSeconds: 1 }); // warm-up: JIT, first connections
  const before = cpuMilliseconds(worker.pid);
  const load = await runLoad(spec);
  const used = cpuMilliseconds(worker.pid) - before;
  return {
    requests: load.requests,
    rps: Math.round(load.rps),
    cpuMsPerRequest: Math.round((used / Math.max(1, load.requests)) * 1000) / 1000,
    errors: load.errors + load.non2xx,
  };
}

/** `wrangler deploy --dry-run` of the minimal I/O worker; returns its bundle. */
function buildMinimalWorker(): string {
  const wrangler = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
  const outdir = join(ROOT, "dist", "bench-minimal-io");
  const config = join(MINIMAL_DIR, "wrangler.toml");
  const result = spawnSync(
    process.execPath,
    [wrangler, "deploy", "--dry-run", "-c", config, "--outdir", outdir],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  );
  if (result.status !== 0)
    throw new Error(`minimal worker build failed:\n${result.stdout}\n${result.stderr}`);
  return join(outdir, "index.js");
}

/** The minimal I/O worker on `databaseUrl`, with the same [assets] and KV binding as ours. */
export function startMinimalWorker(databaseUrl: string): Promise<MeasuredWorker> {
  const scriptPath = buildMinimalWorker();
  return withWorkerdPid(() =>
    startLocalWorker({ configPath: join(MINIMAL_DIR, "wrangler.toml"), scriptPath, databaseUrl }),
  );
}

export interface CpuScenario {
  name: string;
  worker: MeasuredWorker;
  spec: LoadSpec;
  /** The scenario this one is compared with (run right before it, under the same load). */
  versus?: string;
}

/** Runs each scenario in order; a `versus` ratio compares CPU per request with that row's. */
export async function cpuByRoute(
  scenarios: CpuScenario[],
  loadAverage: () => number,
): Promise<
  Array<CpuFigure & { scenario: string; versus: string | null; ratio: number | null; load_1min: number }>
> {
  const rows: Awaited<ReturnType<typeof cpuByRoute>> = [];
  for (const scenario of scenarios) {
    const figure = await cpuPerRequest(scenario.worker, scenario.spec);
    const base = rows.find((row) => row.scenario === scenario.versus);
    const ratio = base ? Math.round((figure.cpuMsPerRequest / base.cpuMsPerRequest) * 100) / 100 : null;
    const row = {
      scenario: scenario.name,
      ...figure,
      versus: scenario.versus ?? null,
      ratio,
      load_1min: loadAverage(),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  return rows;
}
