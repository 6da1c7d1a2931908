/**
 * PgBouncer in transaction mode in front of a throwaway PostgreSQL server: the local
 * stand-in for Hyperdrive, which pools the same way (a server connection belongs to a
 * client for one transaction only, and session state is not carried between them).
 * Settings are PgBouncer's defaults except where noted, so what passes here does not
 * lean on a forgiving pooler.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { RunningDatabase } from "./embedded-postgres.ts";
import { freePort } from "./postgres-server.ts";

const run = promisify(execFile);

const CANDIDATE_BINARIES = [process.env.PGBOUNCER_BIN, "/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].filter(
  (path): path is string => Boolean(path),
);

/** The pgbouncer executable, or undefined when it is not installed. */
export function findPgbouncer(): string | undefined {
  return CANDIDATE_BINARIES.find((path) => existsSync(path));
}

export interface PooledDatabase extends RunningDatabase {
  /** The server itself, for what must bypass the pool (migrations, fault injection). */
  directUrl: string;
}

async function waitForPort(port: number, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => resolve(socket.end() && true));
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const log = await readFile(logFile, "utf8").catch(() => "");
  throw new Error(`pgbouncer did not start:\n${log}`);
}

/**
 * Starts PgBouncer (pool_mode = transaction) for the database behind `directUrl`.
 * PgBouncer refuses to run as root, so as root it runs as the `postgres` account, like
 * the server. It logs to a file: through an undrained pipe its per-connection lines
 * would fill the pipe buffer and stall it under load.
 */
export async function startPgbouncer(
  directUrl: string,
  options: { poolSize?: number; queryWaitSeconds?: number } = {},
): Promise<PooledDatabase> {
  const binary = findPgbouncer();
  if (!binary) throw new Error("No pgbouncer binary found (apt-get install pgbouncer).");
  const target = new URL(directUrl);
  const database = target.pathname.slice(1);
  const user = decodeURIComponent(target.username);
  const dir = await mkdtemp(join(tmpdir(), "devhub-pgbouncer-"));
  const port = await freePort();
  const logFile = join(dir, "pgbouncer.log");
  await writeFile(join(dir, "userlist.txt"), `"${user}" "${decodeURIComponent(target.password)}"\n`);
  const config = [
    "[databases]",
    `${database} = host=${target.hostname} port=${target.port} dbname=${database}`,
    "[pgbouncer]",
    "listen_addr = 127.0.0.1",
    `listen_port = ${port}`,
    "unix_socket_dir =",
    `logfile = ${logFile}`,
    "auth_type = trust",
    `auth_file = ${join(dir, "userlist.txt")}`,
    "pool_mode = transaction",
    // The suite opens one client per request, many at once; the server has 300 slots.
    "max_client_conn = 2000",
    `default_pool_size = ${options.poolSize ?? 40}`,
    // Some drivers (JDBC, older postgres.js) send it; nothing else is ignored, so a startup
    // parameter such as statement_timeout is refused here, as transaction poolers do.
    "ignore_startup_parameters = extra_float_digits",
    // With the database unreachable, PgBouncer fails new logins at once (server_login_retry)
    // but by default keeps a client that is already waiting for a server connection queued
    // for 120 s. A pool in front of a dead origin should answer, not queue: 1 s, so the
    // worker can say 503 within ~2 s. It also sheds load when all server connections are busy.
    `query_wait_timeout = ${options.queryWaitSeconds ?? 1}`,
    `admin_users = ${user}`,
  ].join("\n");
  const configFile = join(dir, "pgbouncer.ini");
  await writeFile(configFile, `${config}\n`);

  // As root, Node starts it directly under the postgres account (no wrapper to forward signals).
  let account: { uid: number; gid: number } | undefined;
  if (process.getuid?.() === 0) {
    const { stdout: uid } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    account = { uid: Number(uid.trim()), gid: Number(gid.trim()) };
    for (const path of [dir, logFile]) {
      await writeFile(path, "", { flag: "a" }).catch(() => undefined);
      await chown(path, account.uid, account.gid);
    }
  }
  const child = spawn(binary, [configFile], { stdio: "ignore", ...account });
  await waitForPort(port, child, logFile);

  let stopped = false;
  return {
    url: `postgres://${target.username}:${target.password}@127.0.0.1:${port}/${database}`,
    directUrl,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        // SIGTERM: immediate shutdown (SIGINT would wait for clients, e.g. a hung worker).
        child.kill("SIGTERM");
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
