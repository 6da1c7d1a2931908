/**
 * Runs the vitest suite against one database kind: `pglite` (embedded, always available),
 * `postgres` (a real server from the machine's binaries, through PgBouncer; skipped with a
 * printed reason where they are absent) or `neon` (the same server reached by the Neon
 * driver through a local WebSocket proxy; the workers project only).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAssets } from "./build-assets.ts";
import { findPgbouncer } from "./lib/pgbouncer.ts";
import { findPostgresBinaries } from "./lib/postgres-server.ts";

const KINDS = ["pglite", "postgres", "neon"] as const;
const kind = KINDS.find((name) => name === process.argv[2]) ?? "pglite";
const LABELS: Record<(typeof KINDS)[number], string> = {
  pglite: "PGlite (embedded)",
  postgres: "PostgreSQL server through PgBouncer (transaction mode)",
  neon: "the Neon driver through a WebSocket proxy, PgBouncer and PostgreSQL",
};
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (kind !== "pglite" && !process.env.TEST_DATABASE_URL && !findPostgresBinaries()) {
  console.log(
    "SKIPPED: the PostgreSQL and Neon runs need initdb/pg_ctl (apt-get install postgresql-15); none found.",
  );
  process.exit(0);
}
if (kind !== "pglite" && !process.env.TEST_DATABASE_URL && !findPgbouncer()) {
  console.log(
    "SKIPPED: the PostgreSQL and Neon runs go through PgBouncer (apt-get install pgbouncer); none found.",
  );
  process.exit(0);
}

buildAssets();
console.log(`\n=== test suite on ${LABELS[kind]} ===`);
// The Neon run repeats what the driver changes: the workers suite. Node-side suites run the
// deployable bundle on its default pg path and are covered by the other two runs.
const projects = kind === "neon" ? ["--project", "workers*"] : [];
if (kind === "postgres") {
  console.log(
    "NOTE: browser and page checks (test/node/*browser*) run on the PGlite run only: they check pages; the database paths under them run here in the workers project.",
  );
}
const reporters = ["--reporter=default", "--reporter=json", `--outputFile.json=test-results/${kind}.json`];
const result = spawnSync(
  join(root, "node_modules", ".bin", "vitest"),
  ["run", ...projects, ...reporters, ...process.argv.slice(3)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TEST_DATABASE: kind },
  },
);
process.exit(result.status ?? 1);
