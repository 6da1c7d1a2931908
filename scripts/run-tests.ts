/**
 * Runs the vitest suite against one database kind: `pglite` (embedded, always available),
 * `postgres` (a real server from the machine's binaries, through PgBouncer; skipped with a
 * printed reason where they are absent) or `neon` (the same server reached by the Neon
 * driver through a local WebSocket proxy; the workers project only), or `pages`: the browser
 * checks alone, on their own PGlite, which `npm test` runs beside a PGlite run without them
 * (scripts/run-all-tests.ts; TEST_BROWSER_CHECKS=without).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAssets } from "./build-assets.ts";
import { findPgbouncer } from "./lib/pgbouncer.ts";
import { findPostgresBinaries } from "./lib/postgres-server.ts";
import { TEST_RUNS, type TestRun } from "./lib/test-runs.ts";

const kind = TEST_RUNS.find((name) => name === process.argv[2]) ?? "pglite";
const LABELS: Record<TestRun, string> = {
  pglite: "PGlite (embedded)",
  postgres: "PostgreSQL server through PgBouncer (transaction mode)",
  neon: "the Neon driver through a WebSocket proxy, PgBouncer and PostgreSQL",
  pages: "PGlite (embedded): the browser checks alone",
};
/** The database each run provisions (test/global-setup.ts): the pages run is a PGlite run. */
const database = kind === "pages" ? "pglite" : kind;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (database !== "pglite" && !process.env.TEST_DATABASE_URL && !findPostgresBinaries()) {
  console.log(
    "SKIPPED: the PostgreSQL and Neon runs need initdb/pg_ctl (apt-get install postgresql-15); none found.",
  );
  process.exit(0);
}
if (database !== "pglite" && !process.env.TEST_DATABASE_URL && !findPgbouncer()) {
  console.log(
    "SKIPPED: the PostgreSQL and Neon runs go through PgBouncer (apt-get install pgbouncer); none found.",
  );
  process.exit(0);
}

buildAssets();
console.log(`\n=== test suite on ${LABELS[kind]} ===`);
// The Neon run repeats what the driver changes: the workers suite. Node-side suites run the
// deployable bundle on its default pg path and are covered by the other two runs.
// The pages run is the node project's browser checks (vitest.config.ts, TEST_BROWSER_CHECKS).
const projects = kind === "neon" ? ["--project", "workers*"] : kind === "pages" ? ["--project", "node"] : [];
const browserChecks = kind === "pages" ? { TEST_BROWSER_CHECKS: "only" } : {};
if (kind === "postgres") {
  console.log(
    "NOTE: browser and page checks (test/node/*browser*) run on PGlite only (the PGlite run, or the pages run of npm test): they check pages; the database paths under them run here in the workers project.",
  );
}
const reporters = ["--reporter=default", "--reporter=json", `--outputFile.json=test-results/${kind}.json`];
const result = spawnSync(
  join(root, "node_modules", ".bin", "vitest"),
  ["run", ...projects, ...reporters, ...process.argv.slice(3)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ...browserChecks, TEST_DATABASE: database },
  },
);
process.exit(result.status ?? 1);
