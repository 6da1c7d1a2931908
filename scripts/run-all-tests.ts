/**
 * `npm test`'s runs (scripts/run-tests.ts) in two lanes side by side: PGlite then PostgreSQL
 * through PgBouncer in one, the browser checks (on a PGlite of their own, split from the PGlite
 * run, whose longest part they were) then the Neon driver in the other. A run spends most of
 * its time waiting on its database, workerd or Chromium (about 0.7 of a core on the 2-core
 * reference machine), and each has its own database, ports and bundle directory, so two at
 * once fit. Four at once did not: 20 s test timeouts and a starved PGlite answering 503.
 *
 * Each run's output goes to test-results/<kind>.log and is printed whole when that run ends,
 * so the runs' lines never interleave; a line every minute says which are still going. Every
 * run runs, and the exit code is non-zero when any failed.
 */
import { spawn } from "node:child_process";
import { createWriteStream, mkdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAssets } from "./build-assets.ts";
import type { TestRun } from "./lib/test-runs.ts";

/** Balanced by their times alone: about 220 + 215 s and 290 + 180 s. */
const LANES: TestRun[][] = [
  ["pglite", "postgres"],
  ["pages", "neon"],
];
/** The PGlite run leaves the browser checks to the pages run. */
const RUN_ENV: Partial<Record<TestRun, NodeJS.ProcessEnv>> = {
  pglite: { TEST_BROWSER_CHECKS: "without" },
};
const PROGRESS_MS = 60_000;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const resultsDir = join(root, "test-results");

interface Finished {
  kind: TestRun;
  code: number;
  seconds: number;
}

/** Runs one database's suite with its output in its own log; resolves when it exits. */
function runKind(kind: TestRun, started: number): Promise<Finished> {
  const logPath = join(resultsDir, `${kind}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, [join(root, "scripts", "run-tests.ts"), kind], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...RUN_ENV[kind] },
  });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  return new Promise((resolve) => {
    child.on("close", (code, signal) => {
      log.end(() => {
        const seconds = Math.round((Date.now() - started) / 1000);
        process.stdout.write(readFileSync(logPath, "utf8"));
        console.log(
          `\n=== ${kind} run ended at ${seconds} s: ${code === 0 ? "passed" : `failed (${signal ?? code})`} ===\n`,
        );
        resolve({ kind, code: code ?? 1, seconds });
      });
    });
  });
}

mkdirSync(resultsDir, { recursive: true });
// Once here, so the runs' own calls find public/ complete and leave it untouched.
buildAssets();
const started = Date.now();
const running = new Set<TestRun>();
console.log(
  `test runs in two lanes at once: ${LANES.map((lane) => lane.join(" then ")).join("; ")} (each printed whole when it ends)`,
);
const progress = setInterval(() => {
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`… ${seconds} s: running: ${[...running].join(", ")}`);
}, PROGRESS_MS);

/** One lane's runs, one after another, whatever each one's outcome. */
async function runLane(lane: TestRun[]): Promise<Finished[]> {
  const results: Finished[] = [];
  for (const kind of lane) {
    running.add(kind);
    results.push(await runKind(kind, started));
    running.delete(kind);
  }
  return results;
}

const finished = (await Promise.all(LANES.map(runLane))).flat();
clearInterval(progress);
const failed = finished.filter((run) => run.code !== 0);
console.log(
  `test runs: ${finished.map((run) => `${run.kind} ${run.code === 0 ? "passed" : "FAILED"} (ended at ${run.seconds} s)`).join(", ")}`,
);
process.exit(failed.length ? 1 : 0);
