/**
 * `npm start`: the API on http://localhost:$PORT (default 8787) over an embedded
 * Postgres kept in .data/, or over DATABASE_URL when set. Migrations run first.
 * Ctrl-C stops wrangler, then shuts the database down cleanly.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAssets } from "./build-assets.ts";
import { writeDevSecrets } from "./lib/dev-secrets.ts";
import { type RunningDatabase, startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { type GithubUpstream, startGithubUpstream } from "./lib/github-upstream.ts";
import { publishDatabaseUrl, withdrawDatabaseUrl } from "./lib/local-database-url.ts";
import { type PooledDatabase, startPgbouncer } from "./lib/pgbouncer.ts";
import { migrateDatabase } from "./migrate.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.PORT ?? "8787";

async function provideDatabase(): Promise<RunningDatabase> {
  if (process.env.DATABASE_URL) {
    return { url: process.env.DATABASE_URL, stop: async () => undefined };
  }
  const dataDir = join(root, ".data", "pglite");
  const database = await startEmbeddedPostgres(dataDir, Number(process.env.EMBEDDED_PG_PORT ?? 0));
  console.log(`[devhub] embedded Postgres (PGlite) on ${new URL(database.url).host}, data in .data/pglite`);
  return database;
}

/** GITHUB_OFFLINE=1 serves GitHub from the recorded fixtures (scripts/lib/github-upstream.ts). */
async function provideGithub(): Promise<GithubUpstream | undefined> {
  if (!["1", "true"].includes(String(process.env.GITHUB_OFFLINE ?? "").toLowerCase())) return undefined;
  const upstream = await startGithubUpstream(Number(process.env.GITHUB_UPSTREAM_PORT ?? 0));
  console.log(`[devhub] offline GitHub upstream on ${upstream.url}`);
  return upstream;
}

buildAssets();
const github = await provideGithub();
const secretsFile = await writeDevSecrets(join(root, ".data"), process.env, { GITHUB_API_URL: github?.url });
const database = await provideDatabase();
await migrateDatabase(database.url);
console.log("[devhub] migrations applied");
// Registration never makes an admin: an operator promotes an account through the database.
const promoteUrl = process.env.DATABASE_URL ? "$DATABASE_URL" : database.url;
console.log(
  `[devhub] to make an admin: register, then DATABASE_URL=${promoteUrl} npm run admin:promote -- <email>`,
);
publishDatabaseUrl(database.url);
// DATABASE_POOL=pgbouncer: the worker goes through PgBouncer in transaction mode, the way
// Hyperdrive pools in production (migrations above still use the database directly).
const pool: PooledDatabase | undefined =
  process.env.DATABASE_POOL === "pgbouncer" ? await startPgbouncer(database.url) : undefined;
if (pool) console.log(`[devhub] PgBouncer (transaction mode) on ${new URL(pool.url).host}`);

// wrangler's entry runs on this process's Node (the project's Node 24), whatever `node` is on PATH.
const wrangler = spawn(
  process.execPath,
  [
    join(root, "node_modules", "wrangler", "bin", "wrangler.js"),
    "dev",
    "--port",
    port,
    "--ip",
    process.env.HOST ?? "127.0.0.1",
    "--env-file",
    secretsFile,
    ...process.argv.slice(2),
  ],
  {
    cwd: root,
    stdio: ["inherit", "inherit", "inherit"],
    env: {
      // Quiet offline: miniflare otherwise fetches a sample `request.cf` from
      // workers.cloudflare.com at every start (a getaddrinfo error without a network; its
      // placeholder serves just as well locally), and wrangler sends usage metrics.
      // Either can be switched back on from the shell.
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      ...process.env,
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: pool?.url ?? database.url,
    },
  },
);

let stopping = false;
function shutdown(code: number): void {
  // Every trigger (Ctrl-C, SIGTERM, wrangler exiting) shares the one orderly stop.
  if (stopping) return;
  stopping = true;
  void (async () => {
    if (wrangler.exitCode === null && wrangler.signalCode === null) {
      wrangler.kill("SIGTERM");
      await new Promise((resolve) => wrangler.once("exit", resolve));
    }
    await pool?.stop();
    withdrawDatabaseUrl();
    await Promise.all([database.stop(), github?.stop()]);
    console.log("[devhub] stopped");
    process.exit(code);
  })();
}

// Ctrl-C reaches wrangler too (same process group); we wait for it, then close Postgres.
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
wrangler.on("exit", (code) => shutdown(code ?? 0));
