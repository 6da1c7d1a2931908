/**
 * The database out of reach, with the worker's default statement budget (5 s; client
 * backstop 6 s), so nothing may wait it out:
 * - under `npm start` (wrangler dev) with PostgreSQL stopped: the connection attempt fails but
 *   the socket never reports closing, so queries queued in pg behind the handshake used to
 *   wait for the 6 s backstop; the worker now awaits the handshake itself;
 * - a database that accepts the TCP connection and never answers (a dead host behind a
 *   proxy): the handshake cap ends it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunningDatabase } from "../../scripts/lib/embedded-postgres.ts";
import { type LocalWorker, ROOT, registerAccount, startLocalWorker } from "../../scripts/lib/local-worker.ts";
import { findPostgresBinaries, freePort, startPostgresServer } from "../../scripts/lib/postgres-server.ts";

const LOGIN: RequestInit = {
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ email: "nobody@unreachable.test", password: "unreachable-Password-1" }),
};

/** Times each request; all are expected to be 503 in under ~2 s. */
async function outage(base: string | URL, requests: Array<[string, RequestInit]>) {
  return Promise.all(
    requests.map(async ([path, init]) => {
      const started = performance.now();
      const response = await fetch(new URL(path, base), { ...init, signal: AbortSignal.timeout(20_000) });
      await response.arrayBuffer();
      return { path, status: response.status, fast: performance.now() - started < 2_500 };
    }),
  );
}
const expected = (requests: Array<[string, RequestInit]>) =>
  requests.map(([path]) => ({ path, status: 503, fast: true }));

let blackHole: net.Server;
const sockets = new Set<net.Socket>();
let worker: LocalWorker;

describe("an unreachable database", () => {
  beforeAll(async () => {
    blackHole = net.createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    worker = await startLocalWorker({
      databaseUrl: `postgres://devhub:devhub@127.0.0.1:${port}/devhub`,
      githubApiUrl: inject("githubApiUrl"),
      scriptPath: inject("workerBundle"),
      // The default statement budget (5 s, client backstop 6 s): nothing may wait it out.
      bindings: {
        JWT_SECRET: "unreachable-only-jwt-secret-0123456789",
        LOG_LEVEL: "error",
        LOG_CHANNELS: "error=off",
      },
    });
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole?.close(resolve));
  });

  it("a database that accepts connections and never answers: 503 within about 2 s", async () => {
    const requests: Array<[string, RequestInit]> = [
      ["/polls", {}],
      ["/auth/login", LOGIN],
      ["/health/ready", {}],
    ];
    expect(await outage(worker.url, requests)).toEqual(expected(requests));
    expect(sockets.size).toBeGreaterThan(0);
  });
});

const binaries = findPostgresBinaries();
let database: RunningDatabase | undefined;
let server: ChildProcess | undefined;

describe.skipIf(!binaries)("npm start with PostgreSQL stopped", () => {
  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGINT");
      await exited;
    }
    await database?.stop();
  });

  it("GET /notes, POST /auth/login and GET /polls answer 503 within about 2 s", async () => {
    database = await startPostgresServer();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [join(ROOT, "scripts", "dev.ts")], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: database.url,
        GITHUB_API_URL: inject("githubApiUrl"),
      },
      stdio: ["ignore", "ignore", "ignore"],
    });
    let up = false;
    for (let attempt = 0; attempt < 360 && !up; attempt += 1) {
      up = await fetch(`${base}/health`).then(
        (response) => response.ok,
        () => false,
      );
      if (!up) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const { access_token: token } = await registerAccount(base, "down");
    await database.stop();
    const requests: Array<[string, RequestInit]> = [
      ["/notes", { headers: { Authorization: `Bearer ${token}` } }],
      ["/auth/login", LOGIN],
      ["/polls", {}],
    ];
    expect(await outage(base, requests)).toEqual(expected(requests));
  }, 120_000);
});
