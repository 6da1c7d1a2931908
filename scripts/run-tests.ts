/**
 * Runs the whole vitest suite against one database kind: `pglite` (embedded, always
 * available) or `postgres` (a real server from the machine's binaries; skipped with a
 * printed reason where they are absent).
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAssets } from "./build-assets.ts";
import { findPgbouncer } from "./lib/pgbouncer.ts";
import { findPostgresBinaries } from "./lib/postgres-server.ts";

const kind = process.argv[2] === "postgres" ? "postgres" : "pglite";
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

if (kind === "postgres" && !process.env.TEST_DATABASE_URL && !findPostgresBinaries()) {
  console.log("SKIPPED: the PostgreSQL run needs initdb/pg_ctl (apt-get install postgresql-15); none found.");
  process.exit(0);
}
if (kind === "postgres" && !process.env.TEST_DATABASE_URL && !findPgbouncer()) {
  console.log("SKIPPED: the PostgreSQL run goes through PgBouncer (apt-get install pgbouncer); none found.");
  process.exit(0);
}

buildAssets();
console.log(
  `\n=== test suite on ${kind === "postgres" ? "PostgreSQL server through PgBouncer (transaction mode)" : "PGlite (embedded)"} ===`,
);
const reporters = ["--reporter=default", "--reporter=json", `--outputFile.json=test-results/${kind}.json`];
const result = spawnSync(
  join(root, "node_modules", ".bin", "vitest"),
  ["run", ...reporters, ...process.argv.slice(3)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TEST_DATABASE: kind },
  },
);
process.exit(result.status ?? 1);
