/**
 * `npm start`: the API on http://localhost:$PORT (default 8787) over an embedded
 * Postgres kept in .data/, or over DATABASE_URL when set. Migrations run first.
 * Ctrl-C stops wrangler, then shuts the database down cleanly.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { watch } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildStaticFiles } from "./build-static-files.ts";
import { type RunningDatabase, startEmbeddedPostgres } from "./lib/embedded-postgres.ts";
import { type GithubUpstream, startGithubUpstream } from "./lib/github-upstream.ts";
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

/** A JWT secret for local use, generated once and kept with the local data. */
async function localJwtSecret(): Promise<string> {
  if (process.env.JWT_SECRET) return process.env.JWT_SECRET;
  const file = join(root, ".data", "jwt-secret");
  const existing = await readFile(file, "utf8").catch(() => "");
  if (existing.trim().length >= 32) return existing.trim();
  const secret = randomBytes(32).toString("base64url");
  await mkdir(join(root, ".data"), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/**
 * Secrets reach wrangler through an env file in .data/ (mode 600): never on the command
 * line (visible in `ps`) and never as vars (wrangler prints var values at start-up).
 */
async function writeSecretsFile(githubApiUrl: string | undefined): Promise<string> {
  const secrets: Record<string, string | undefined> = {
    JWT_SECRET: await localJwtSecret(),
    GITHUB_TOKEN: process.env.GITHUB_TOKEN,
    // GitHub settings from the shell are honoured too (docs/configuration.md).
    GITHUB_API_URL: githubApiUrl,
    GITHUB_CACHE_TTL_SECONDS: process.env.GITHUB_CACHE_TTL_SECONDS,
    GITHUB_STALE_TTL_SECONDS: process.env.GITHUB_STALE_TTL_SECONDS,
    GITHUB_TIMEOUT_MS: process.env.GITHUB_TIMEOUT_MS,
    GITHUB_MAX_PAGES: process.env.GITHUB_MAX_PAGES,
  };
  const file = join(root, ".data", "dev-secrets.env");
  const lines = Object.entries(secrets)
    .filter(([, value]) => value)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  await writeFile(file, `${lines.join("\n")}\n`, { mode: 0o600 });
  return file;
}

/** GITHUB_OFFLINE=1 serves GitHub from the recorded fixtures (scripts/lib/github-upstream.ts). */
async function provideGithub(): Promise<GithubUpstream | undefined> {
  if (!["1", "true"].includes(String(process.env.GITHUB_OFFLINE ?? "").toLowerCase())) return undefined;
  const upstream = await startGithubUpstream(Number(process.env.GITHUB_UPSTREAM_PORT ?? 0));
  console.log(`[devhub] offline GitHub upstream on ${upstream.url}`);
  return upstream;
}

buildStaticFiles();
const github = await provideGithub();
const secretsFile = await writeSecretsFile(github?.url ?? process.env.GITHUB_API_URL);
const database = await provideDatabase();
await migrateDatabase(database.url);
console.log("[devhub] migrations applied");
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
      ...process.env,
      CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HYPERDRIVE: pool?.url ?? database.url,
    },
  },
);

// public/ is built into the bundle: rebuild the generated module when a file there changes,
// and wrangler's own watch on src/ reloads the worker with it (edit a page's script, reload).
let rebuild: NodeJS.Timeout | undefined;
const publicWatch = watch(join(root, "public"), { recursive: true }, () => {
  clearTimeout(rebuild);
  rebuild = setTimeout(() => {
    try {
      buildStaticFiles();
    } catch (error) {
      console.error(`[devhub] static files not rebuilt: ${(error as Error).message}`);
    }
  }, 100);
});

let stopping = false;
function shutdown(code: number): void {
  // Every trigger (Ctrl-C, SIGTERM, wrangler exiting) shares the one orderly stop.
  if (stopping) return;
  stopping = true;
  publicWatch.close();
  void (async () => {
    if (wrangler.exitCode === null && wrangler.signalCode === null) {
      wrangler.kill("SIGTERM");
      await new Promise((resolve) => wrangler.once("exit", resolve));
    }
    await pool?.stop();
    await Promise.all([database.stop(), github?.stop()]);
    console.log("[devhub] stopped");
    process.exit(code);
  })();
}

// Ctrl-C reaches wrangler too (same process group); we wait for it, then close Postgres.
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));
wrangler.on("exit", (code) => shutdown(code ?? 0));
