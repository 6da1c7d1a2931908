/**
 * The request path's own cost: `/health` beside a worker that does nothing, in the same
 * harness (Miniflare in this process, load from a separate autocannon process), reported as
 * `/health ÷ trivial`. Three /health figures, because locally two emulations sit in front of
 * the worker that production does not run in its place:
 * - "health": the worker as configured (Miniflare's static-assets router, whose emulation
 *   is three workerd hops even for `run_worker_first` paths, and the Rate Limiting binding,
 *   which Miniflare 5 emulates as one Durable Object round trip per call: every request of
 *   the run queues on one object);
 * - "health, no asset router": the same bundle with only the limiter emulation left;
 * - "health, worker only": neither, so what is left is this worker's own request path.
 *
 * `npm run bench` runs these first; `npm run bench:ceiling` runs only these (no database:
 * /health never queries it). BENCH_SECONDS as for the bench (default 6).
 */
import { execSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { buildWorker, type LocalWorker, startLocalWorker } from "../lib/local-worker.ts";
import type { LoadSpec } from "./load.ts";
import { runLoad } from "./run-load.ts";

/** `export default { fetch: () => new Response("ok") }`, served exactly like the real worker. */
export async function startTrivialWorker(): Promise<LocalWorker> {
  const dir = join(tmpdir(), `devhub-trivial-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const scriptPath = join(dir, "index.js");
  await writeFile(scriptPath, 'export default { fetch: () => new Response("ok") };\n');
  const miniflare = new Miniflare(
    convertV4MiniflareOptions({
      name: "trivial",
      modules: true,
      scriptPath,
      modulesRoot: dir,
      compatibilityDate: "2026-11-01",
      host: "127.0.0.1",
      port: 0,
    } as Parameters<typeof convertV4MiniflareOptions>[0]),
  );
  const url = await miniflare.ready;
  return { url, miniflare, stop: () => miniflare.dispose() };
}

export interface CeilingTargets {
  trivial: LocalWorker;
  noAssetRouter: LocalWorker;
  workerOnly: LocalWorker;
}

/** The trivial worker and the two stripped copies of the bundle (the full one is the caller's). */
export async function startCeilingTargets(
  databaseUrl: string,
  bindings: Record<string, string>,
): Promise<CeilingTargets> {
  const trivial = await startTrivialWorker();
  const noAssetRouter = await startLocalWorker({ databaseUrl, bindings, staticAssets: false });
  const workerOnly = await startLocalWorker({
    databaseUrl,
    bindings,
    staticAssets: false,
    rateLimits: "none",
  });
  return { trivial, noAssetRouter, workerOnly };
}

export async function stopCeilingTargets(targets: CeilingTargets): Promise<void> {
  await Promise.all([targets.trivial.stop(), targets.noAssetRouter.stop(), targets.workerOnly.stop()]);
}

/** Scenarios in run order: the trivial worker first, each /health right after it. */
export function ceilingScenarios(
  targets: CeilingTargets,
  fullWorker: URL,
  spec: (partial: Partial<LoadSpec> & Pick<LoadSpec, "path">) => LoadSpec,
): Array<{ name: string; spec: LoadSpec; db: boolean }> {
  const base = (worker: URL) => worker.href.replace(/\/$/, "");
  return [
    {
      name: "trivial worker (ceiling)",
      spec: spec({ path: "/", url: base(targets.trivial.url) }),
      db: false,
    },
    { name: "health", spec: spec({ path: "/health", url: base(fullWorker) }), db: false },
    {
      name: "health, no asset router",
      spec: spec({ path: "/health", url: base(targets.noAssetRouter.url) }),
      db: false,
    },
    {
      name: "health, worker only",
      spec: spec({ path: "/health", url: base(targets.workerOnly.url) }),
      db: false,
    },
  ];
}

/** The 1-minute load average, printed next to every figure (the machine may be shared). */
export function loadAverage(): number {
  return Number(/load average: ([\d.]+)/.exec(execSync("uptime").toString())?.[1] ?? Number.NaN);
}

async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  buildWorker();
  // /health and the trivial worker never query; the URL only has to parse.
  const databaseUrl = "postgres://bench:bench@127.0.0.1:9/bench";
  const bindings = { JWT_SECRET: "bench-only-jwt-secret-0123456789abcdef", LOG_LEVEL: "warn" };
  const full = await startLocalWorker({ databaseUrl, bindings });
  const targets = await startCeilingTargets(databaseUrl, bindings);
  const spec = (partial: Partial<LoadSpec> & Pick<LoadSpec, "path">): LoadSpec => ({
    url: "",
    method: "GET",
    connections,
    durationSeconds: seconds,
    ...partial,
  });
  let trivialRps = 0;
  console.log("| scenario | req/s | p50 ms | p99 ms | ÷ trivial | load (1 min) |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: |");
  for (const scenario of ceilingScenarios(targets, full.url, spec)) {
    await runLoad({ ...scenario.spec, durationSeconds: 1 }); // warm-up: JIT, first connections
    const load = await runLoad(scenario.spec);
    if (scenario.name.startsWith("trivial")) trivialRps = load.rps;
    const ratio = trivialRps ? Math.round((load.rps / trivialRps) * 100) / 100 : null;
    const errors = load.errors + load.non2xx;
    console.log(
      `| ${scenario.name} | ${Math.round(load.rps)} | ${load.p50} | ${load.p99} | ${ratio} | ${loadAverage()}${errors ? ` | ${errors} errors` : ""} |`,
    );
  }
  await stopCeilingTargets(targets);
  await full.stop();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
  process.exit(0);
}
