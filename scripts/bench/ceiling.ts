/**
 * The request path's own cost: `/health` beside a worker that does nothing, in the same
 * harness (Miniflare in this process, load from a separate autocannon process), reported as
 * `/health ÷ trivial`. Beside them, the trivial worker answering a copy of /health's response
 * (its headers and body, no work): the ceiling for any worker that must send those headers,
 * which separates what the headers cost from what the worker's own work costs.
 *
 * `npm run bench` runs these first; `npm run bench:ceiling` runs only these (no database:
 * /health never queries it). BENCH_SECONDS as for the bench (default 6).
 */
import { execSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildWorker, type LocalWorker, ROOT, startLocalWorker } from "../lib/local-worker.ts";
import type { LoadSpec } from "./load.ts";
import { median } from "./percentiles.ts";
import { runLoad } from "./run-load.ts";
import { TRIVIAL_CONFIG } from "./startup.ts";

const TRIVIAL_SCRIPT = join(ROOT, "scripts", "bench", "fixtures", "trivial", "index.js");

const FRAMING_HEADERS = new Set(["content-length", "content-encoding", "transfer-encoding"]);

/**
 * The trivial worker (scripts/bench/fixtures/trivial/), served exactly like the real worker,
 * with the same `[assets]` in front (the asset router is part of every request's path, on both
 * sides). With `copy`, the same no-work worker answers a fixed copy of that response (body and
 * headers), so the cost of the bytes themselves is measured apart from the work making them.
 */
export async function startTrivialWorker(copy?: Response): Promise<LocalWorker> {
  if (!copy) return startLocalWorker({ configPath: TRIVIAL_CONFIG, scriptPath: TRIVIAL_SCRIPT });
  const dir = join(tmpdir(), `devhub-same-headers-${process.pid}`);
  await mkdir(dir, { recursive: true });
  const scriptPath = join(dir, "index.js");
  const headers: Record<string, string> = {};
  copy?.headers.forEach((value, header) => {
    // workerd sets the length and framing itself; a copied `content-encoding` would make it
    // gzip every answer (Node's fetch asked for gzip; the load generator never does).
    if (!FRAMING_HEADERS.has(header)) headers[header] = value;
  });
  const answer = `new Response(${JSON.stringify(await copy.text())}, { headers: ${JSON.stringify(headers)} })`;
  await writeFile(scriptPath, `export default { fetch: () => ${answer} };\n`);
  return startLocalWorker({ configPath: TRIVIAL_CONFIG, scriptPath });
}

export interface CeilingTargets {
  trivial: LocalWorker;
  /** The trivial worker answering a copy of `/health`'s response: its headers, no work. */
  sameHeaders: LocalWorker;
}

/** The trivial worker, and its copy of `/health`'s answer as `worker` gives it. */
export async function startCeilingTargets(worker: URL): Promise<CeilingTargets> {
  const trivial = await startTrivialWorker();
  const sameHeaders = await startTrivialWorker(await fetch(new URL("/health", worker)));
  return { trivial, sameHeaders };
}

export async function stopCeilingTargets(targets: CeilingTargets): Promise<void> {
  await Promise.all([targets.trivial.stop(), targets.sameHeaders.stop()]);
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
    {
      name: "/health's headers, no work",
      spec: spec({ path: "/", url: base(targets.sameHeaders.url) }),
      db: false,
    },
    { name: "health", spec: spec({ path: "/health", url: base(fullWorker) }), db: false },
  ];
}

/** The 1-minute load average, printed next to every figure (the machine may be shared). */
export function loadAverage(): number {
  return Number(/load average: ([\d.]+)/.exec(execSync("uptime").toString())?.[1] ?? Number.NaN);
}

const round2 = (value: number) => Math.round(value * 100) / 100;
type Scenario = ReturnType<typeof ceilingScenarios>[number];

/**
 * BENCH_ROUNDS rounds (default 3). In each, every /health variant runs right after its own
 * trivial-worker run, so each ratio compares runs seconds apart (a shared machine's load
 * moves more than that within a round); the summary gives medians. BENCH_BASELINE_BUNDLE=<another
 * build's index.js> runs that build's /health right beside this one's, in alternating order (ABBA), and
 * reports this ÷ baseline per round. BENCH_CEILING_ONLY=<text> keeps the variants naming it.
 */
async function main() {
  const seconds = Number(process.env.BENCH_SECONDS ?? 6);
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const only = process.env.BENCH_CEILING_ONLY;
  buildWorker();
  // /health and the trivial worker never query; the URL only has to parse.
  const databaseUrl = "postgres://bench:bench@127.0.0.1:9/bench";
  const bindings = { JWT_SECRET: "bench-only-jwt-secret-0123456789abcdef", LOG_LEVEL: "warn" };
  const full = await startLocalWorker({ databaseUrl, bindings });
  const targets = await startCeilingTargets(full.url);
  const spec = (partial: Partial<LoadSpec> & Pick<LoadSpec, "path">): LoadSpec => ({
    url: "",
    method: "GET",
    connections,
    durationSeconds: seconds,
    ...partial,
  });
  const [trivial, ...variants] = ceilingScenarios(targets, full.url, spec) as [Scenario, ...Scenario[]];
  // /health served from another build, beside this one's (only the /health row has a twin).
  const baseline = process.env.BENCH_BASELINE_BUNDLE
    ? await startLocalWorker({ databaseUrl, bindings, scriptPath: process.env.BENCH_BASELINE_BUNDLE })
    : undefined;
  const pairs = variants
    .filter((scenario) => !only || scenario.name.includes(only))
    .map((scenario) => {
      const other = scenario.name === "health" ? baseline : undefined;
      const twin = other && {
        ...scenario,
        name: `${scenario.name} (baseline)`,
        spec: { ...scenario.spec, url: other.url.href.replace(/\/$/, "") },
      };
      return twin ? [scenario, twin] : [scenario];
    });
  const results = new Map<string, { rps: number[]; ratios: number[] }>();
  const record = (name: string, rps: number, ratio: number) => {
    const entry = results.get(name) ?? { rps: [], ratios: [] };
    entry.rps.push(rps);
    entry.ratios.push(ratio);
    results.set(name, entry);
  };
  console.log("| round | scenario | req/s | p50 ms | p99 ms | ÷ trivial run before it | load (1 min) |");
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  for (let round = 1; round <= rounds; round += 1) {
    let trivialRps = 0;
    // The trivial worker right before each variant (and its baseline twin), so every ratio
    // compares runs seconds apart.
    const order = pairs.flatMap((pair) => [trivial, ...(round % 2 ? pair : [...pair].reverse())]);
    for (const scenario of order) {
      await runLoad({ ...scenario.spec, durationSeconds: 1 }); // warm-up: JIT, first connections
      const load = await runLoad(scenario.spec);
      if (scenario === trivial) trivialRps = load.rps;
      const ratio = load.rps / trivialRps;
      record(scenario.name, load.rps, ratio);
      const errors = load.errors + load.non2xx;
      console.log(
        `| ${round} | ${scenario.name} | ${Math.round(load.rps)} | ${load.p50} | ${load.p99} | ${round2(ratio)} | ${loadAverage()}${errors ? ` | ${errors} errors` : ""} |`,
      );
    }
  }
  console.log(
    "\n| scenario | median req/s | median ÷ trivial | ÷ trivial per round | ÷ baseline per round |",
  );
  console.log("| --- | ---: | ---: | --- | --- |");
  for (const [name, { rps, ratios }] of results) {
    const before = results.get(`${name} (baseline)`)?.rps;
    const vsBaseline = before ? rps.map((value, i) => round2(value / (before[i] as number))).join(", ") : "";
    console.log(
      `| ${name} | ${Math.round(median(rps))} | ${round2(median(ratios))} | ${ratios.map(round2).join(", ")} | ${vsBaseline} |`,
    );
  }
  await baseline?.stop();
  await stopCeilingTargets(targets);
  await full.stop();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
  process.exit(0);
}
