/**
 * A throwaway PostgreSQL server from the machine's own binaries, in a temp directory,
 * for the "real Postgres" test run and benchmarks. Postgres refuses to run as root, so
 * as root the cluster is owned and run by the `postgres` account.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, rm } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RunningDatabase } from "./embedded-postgres.ts";

const run = promisify(execFile);

const CANDIDATE_BIN_DIRS = [
  process.env.PG_BIN_DIR,
  "/usr/lib/postgresql/17/bin",
  "/usr/lib/postgresql/16/bin",
  "/usr/lib/postgresql/15/bin",
  "/usr/local/pgsql/bin",
].filter((dir): dir is string => Boolean(dir));

/** Where initdb and pg_ctl live, or undefined when no server is installed. */
export function findPostgresBinaries(): string | undefined {
  return CANDIDATE_BIN_DIRS.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPostgresServer(
  options: { maxConnections?: number } = {},
): Promise<RunningDatabase> {
  const bin = findPostgresBinaries();
  if (!bin) throw new Error("No PostgreSQL server binaries found (install postgresql-15).");
  const asRoot = process.getuid?.() === 0;
  const dir = await mkdtemp(join(tmpdir(), "devhub-pg-"));
  const dataDir = join(dir, "data");
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const exec = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", join(bin, tool), ...args]) : run(join(bin, tool), args);

  await exec("initdb", [
    "-D",
    dataDir,
    "-U",
    "devhub",
    "-A",
    "trust",
    "-E",
    "UTF8",
    "--no-sync",
    "--locale=C.UTF-8",
  ]);
  const port = await freePort();
  const settings = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    `-c max_connections=${options.maxConnections ?? 300}`,
    // Durability is pointless for a cluster deleted after the run; speed is not.
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    "-c shared_preload_libraries=pg_stat_statements",
  ].join(" ");
  await exec("pg_ctl", ["-D", dataDir, "-o", settings, "-l", join(dir, "server.log"), "-w", "start"]);
  await exec("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "devhub", "devhub"]);

  let stopped = false;
  return {
    url: `postgres://devhub:devhub@127.0.0.1:${port}/devhub`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await exec("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
