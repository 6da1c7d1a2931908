/**
 * Fault injection against the deployable bundle in workerd, with a PostgreSQL server of
 * this file's own (so stopping it disturbs no other suite): the database goes away, the
 * database gets slow. (GitHub failing every way and a throwing stats object are covered
 * in test/workers/github.*.test.ts and stats.test.ts.)
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunningDatabase } from "../../scripts/lib/embedded-postgres.ts";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker.ts";
import { findPostgresBinaries, startPostgresServer } from "../../scripts/lib/postgres-server.ts";
import { migrateDatabase } from "../../scripts/migrate.ts";

const binaries = findPostgresBinaries();
if (!binaries) console.log("SKIPPED fault injection: needs PostgreSQL server binaries (postgresql-15).");

let database: RunningDatabase;
let worker: LocalWorker;
let token = "";

const call = (path: string, init: RequestInit = {}) =>
  fetch(new URL(path, worker.url), { ...init, signal: AbortSignal.timeout(20_000) });
const authed = (path: string, init: RequestInit = {}) =>
  call(path, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers },
  });

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function workerConnections(): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
    );
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

describe.skipIf(!binaries)("fault injection", () => {
  beforeAll(async () => {
    database = await startPostgresServer();
    await migrateDatabase(database.url);
    worker = await startLocalWorker({
      databaseUrl: database.url,
      githubApiUrl: inject("githubApiUrl"),
      scriptPath: inject("workerBundle"),
      bindings: {
        JWT_SECRET: "faults-only-jwt-secret-0123456789abcdef",
        LOG_LEVEL: "error",
        DATABASE_STATEMENT_TIMEOUT_MS: "800",
      },
    });
    const registered = await call("/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        email: `faults-${crypto.randomUUID()}@faults.test`,
        password: "faults-Password-1",
        display_name: "F",
      }),
    });
    token = ((await registered.json()) as { access_token: string }).access_token;
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await database?.stop();
  });

  it("a slow database: statements past the budget are cancelled and answered 503 in time, without leaking connections", async () => {
    const created = await authed("/notes", { method: "POST", body: JSON.stringify({ title: "locked" }) });
    const note = (await created.json()) as { id: string };
    const baseline = await workerConnections();
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query("BEGIN");
    await blocker.query("LOCK TABLE notes IN ACCESS EXCLUSIVE MODE");
    try {
      const results = await Promise.all(
        Array.from({ length: 5 }, () => timed(() => authed(`/notes/${note.id}`))),
      );
      for (const [response, ms] of results) {
        expect(response.status).toBe(503);
        const problem = (await response.json()) as { type: string; dependency: string };
        expect(problem.type).toBe("https://devhub-api.dev/problems/dependency-unavailable");
        expect(problem.dependency).toBe("postgres");
        expect(response.headers.get("retry-after")).toBe("5");
        expect(ms).toBeLessThan(3000);
      }
    } finally {
      await blocker.query("ROLLBACK");
      await blocker.end();
    }
    // Connections are closed after each response: none may linger.
    let lingering = Number.POSITIVE_INFINITY;
    for (let attempt = 0; attempt < 20 && lingering > baseline; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      lingering = await workerConnections();
    }
    expect(lingering).toBeLessThanOrEqual(baseline);
    expect((await authed(`/notes/${note.id}`)).status).toBe(200);
  });

  it("the database stops mid-run: 503 with Retry-After within 2 s, readiness fails, cached GitHub keeps working, nothing hangs", async () => {
    const github = "/github/users/r5-faults/repos";
    expect((await call(github)).status).toBe(200);
    expect((await call("/health/ready")).status).toBe(200);
    await database.stop();

    const [notes, notesMs] = await timed(() => authed("/notes"));
    expect(notes.status).toBe(503);
    expect(notes.headers.get("content-type")).toContain("application/problem+json");
    expect(notes.headers.get("retry-after")).toBeTruthy();
    expect(notesMs).toBeLessThan(2000);

    const [write, writeMs] = await timed(() =>
      authed("/notes", { method: "POST", body: JSON.stringify({ title: "lost?" }) }),
    );
    expect(write.status).toBe(503);
    expect(writeMs).toBeLessThan(2000);

    const [ready, readyMs] = await timed(() => call("/health/ready"));
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { dependencies: string[] }).dependencies).toEqual(["postgres"]);
    expect(readyMs).toBeLessThan(2500);

    const cached = await call(github);
    expect(cached.status).toBe(200);
    expect(cached.headers.get("cache-status")).toBe("hit");
    expect((await call("/health")).status).toBe(200);
  });
});
