/**
 * What the worker costs before its first request: the deployable bundle's size (raw and
 * gzipped, as `wrangler deploy --dry-run --outdir` writes it) and its startup busy time, beside
 * the trivial worker's (scripts/bench/fixtures/trivial/) and that of the trivial worker carrying
 * this API's bundle without running it (scripts/bench/fixtures/same-code/).
 *
 * Startup busy time is read from the CPU profile `wrangler check startup` records while workerd
 * loads the bundle and runs its top-level code: the samples that are not `(idle)`, times the
 * profile's sampling interval. Each worker is profiled STARTUP_ROUNDS times (default 3),
 * alternating, and the median is kept (one profile on a shared machine is noisy).
 * STARTUP_BASELINE_CONFIG=<another checkout's wrangler.toml> profiles that build in the same
 * rounds (after `npm run static` there), for a before/after under the same load.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { ROOT } from "../lib/local-worker.ts";
import { median } from "./percentiles.ts";

const WRANGLER = join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js");
export const TRIVIAL_CONFIG = join(ROOT, "scripts", "bench", "fixtures", "trivial", "wrangler.toml");
/** The trivial worker with this API's code bundled but never run. */
const SAME_CODE_CONFIG = join(ROOT, "scripts", "bench", "fixtures", "same-code", "wrangler.toml");

export interface BundleSize {
  bytes: number;
  gzipBytes: number;
}

/** The size of a bundle file, raw and gzipped (level 9, as Cloudflare reports it). */
export function bundleSize(file: string): BundleSize {
  return { bytes: statSync(file).size, gzipBytes: gzipSync(readFileSync(file), { level: 9 }).byteLength };
}

function wrangler(args: string[]): string {
  const result = spawnSync(process.execPath, [WRANGLER, ...args], { cwd: ROOT, encoding: "utf8" });
  if (result.status !== 0) throw new Error(`wrangler ${args[0]} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string } }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/**
 * Non-idle samples in a V8 CPU profile, the profile's sampling interval, and its wall time (from
 * the profiler's start to its end: loading, compiling and running the top level, idle included).
 */
export function busySamples(profile: CpuProfile): { samples: number; intervalUs: number; wallMs: number } {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id),
  );
  const busy = profile.samples.filter((id) => !idle.has(id)).length;
  // The first delta runs from the profile's start to its first sample; the rest are the interval.
  const deltas = profile.timeDeltas.slice(1).sort((a, b) => a - b);
  return {
    samples: busy,
    intervalUs: deltas[Math.floor(deltas.length / 2)] ?? 0,
    wallMs: (profile.endTime - profile.startTime) / 1000,
  };
}

/** One `wrangler check startup` of a config's worker, built to a form-data bundle first. */
function profileStartup(config: string, dir: string, label: string): Run {
  const bundle = join(dir, `${label}.bundle`);
  const profile = join(dir, `${label}.cpuprofile`);
  wrangler(["deploy", "--dry-run", "-c", config, "--outfile", bundle]);
  // wrangler gives the profiler 10 s; on a busy machine that can pass before workerd is up.
  for (let attempt = 1; ; attempt += 1) {
    try {
      wrangler(["check", "startup", "-c", config, "--worker", bundle, "--outfile", profile]);
      break;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  return busySamples(JSON.parse(readFileSync(profile, "utf8")) as CpuProfile);
}

interface Profiled {
  ms: number;
  samples: number[];
  /** Median wall time of the profiles. */
  wallMs: number;
}

export interface StartupFigures {
  worker: Profiled;
  trivial: Profiled;
  /** worker ÷ trivial; null when the trivial worker's profile holds no busy sample at all. */
  ratio: number | null;
  /** worker ÷ trivial in profile wall time, which is never zero. */
  wallRatio: number;
  /**
   * The trivial worker carrying this API's bundle unrun (fixtures/same-code): what the bundle's
   * size alone costs at startup. The worker's excess over it is its top-level code.
   */
  sameCode: Profiled;
  baseline?: Profiled;
}

type Run = { samples: number; intervalUs: number; wallMs: number };

/**
 * Median busy time of a worker's runs. The interval is read from the largest profile of the
 * whole measurement: a trivial worker's profile holds a sample or two, too few to read it from.
 */
function summary(runs: Run[], intervalUs: number): Profiled {
  const ms = median(runs.map((run) => (run.samples * intervalUs) / 1000));
  const wallMs = median(runs.map((run) => run.wallMs));
  return {
    ms: Math.round(ms * 10) / 10,
    samples: runs.map((run) => run.samples),
    wallMs: Math.round(wallMs * 10) / 10,
  };
}

/** Startup busy time of this worker (wrangler.toml) and the trivial worker, medians of rounds. */
export function measureStartup(rounds = Number(process.env.STARTUP_ROUNDS ?? 3)): StartupFigures {
  const dir = mkdtempSync(join(tmpdir(), "devhub-startup-"));
  const baselineConfig = process.env.STARTUP_BASELINE_CONFIG;
  const worker: Run[] = [];
  const trivial: Run[] = [];
  const sameCode: Run[] = [];
  const baseline: Run[] = [];
  for (let round = 0; round < rounds; round += 1) {
    worker.push(profileStartup(join(ROOT, "wrangler.toml"), dir, `worker-${round}`));
    trivial.push(profileStartup(TRIVIAL_CONFIG, dir, `trivial-${round}`));
    sameCode.push(profileStartup(SAME_CODE_CONFIG, dir, `same-code-${round}`));
    if (baselineConfig) baseline.push(profileStartup(baselineConfig, dir, `baseline-${round}`));
  }
  const all = [...worker, ...trivial, ...sameCode, ...baseline];
  const intervalUs = all.reduce((best, run) => (run.samples > best.samples ? run : best)).intervalUs;
  const figures = { worker: summary(worker, intervalUs), trivial: summary(trivial, intervalUs) };
  return {
    ...figures,
    ratio: figures.trivial.ms ? Math.round((figures.worker.ms / figures.trivial.ms) * 100) / 100 : null,
    wallRatio: Math.round((figures.worker.wallMs / figures.trivial.wallMs) * 100) / 100,
    sameCode: summary(sameCode, intervalUs),
    ...(baselineConfig ? { baseline: summary(baseline, intervalUs) } : {}),
  };
}
