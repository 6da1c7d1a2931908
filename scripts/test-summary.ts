/**
 * Prints one plain closing line for the whole `npm test` run ("N passed, N failed"),
 * summed over the per-database vitest JSON reports in test-results/.
 */
import { readdir, readFile } from "node:fs/promises";
import { TEST_RUNS } from "./lib/test-runs.ts";

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

const dir = new URL("../test-results/", import.meta.url);
/** The runs' own reports (scripts/run-tests.ts); other JSON there (bench figures a test writes) is not one. */
const RUNS = TEST_RUNS.map((run) => `${run}.json`);
const files = (await readdir(dir).catch(() => [] as string[])).filter((file) => RUNS.includes(file));
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  const report = JSON.parse(await readFile(new URL(file, dir), "utf8")) as VitestJsonReport;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
}
console.log(`\ntest runs: ${files.map((file) => file.replace(".json", "")).join(", ") || "none"}`);
console.log(`vitest: ${passed} passed, ${failed} failed, ${skipped} skipped`);
