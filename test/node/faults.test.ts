/**
 * Fault injection against the deployable bundle in workerd, with a PostgreSQL server of
 * this file's own (so stopping it disturbs no other suite) behind its own PgBouncer in
 * transaction mode, as production sits behind Hyperdrive: the database goes away, the
 * database gets slow. The blocker and the pg_stat_activity checks use the server directly. (GitHub failing every way and a throwing stats object are covered
 * in test/workers/github.*.test.ts and stats.test.ts.)
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { RunningDatabase } from "../../scripts/lib/embedded-postgres.ts";
import { type LocalWorker, registerAccount, startLocalWorker } from "../../scripts/lib/local-worker.ts";
import { findPgbouncer, type PooledDatabase, startPgbouncer } from "../../scripts/lib/pgbouncer.ts";
import { findPostgresBinaries, startPostgresServer } from "../../scripts/lib/postgres-server.ts";
import { migrateDatabase } from "../../scripts/migrate.ts";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";

const binaries = findPostgresBinaries() && findPgbouncer();
if (!binaries) console.log("SKIPPED fault injection: needs postgresql-15 and pgbouncer.");

/** Provisioned on the role; the worker keeps its default 5 s config, so its client-side
 * backstop fires at 6 s and anything answered well before that was cancelled by the server. */
const SERVER_BUDGET_MS = 800;

let database: RunningDatabase;
let pool: PooledDatabase;
let worker: LocalWorker;
/** The same bundle connected straight to the server (no pool), for the outage check. */
let directWorker: LocalWorker;
let token = "";

const callOn = (target: LocalWorker, path: string, init: RequestInit = {}) =>
  fetch(new URL(path, target.url), { ...init, signal: AbortSignal.timeout(20_000) });
const call = (path: string, init: RequestInit = {}) => callOn(worker, path, init);
const authed = (path: string, init: RequestInit = {}, target = worker) =>
  callOn(target, path, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...init.headers },
  });

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
}

async function directQuery<T extends pg.QueryResultRow>(text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

/** The worker's client connections open on the pool (PgBouncer's admin console). */
async function workerConnections(): Promise<number> {
  const admin = new URL(pool.url);
  admin.pathname = "/pgbouncer";
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const result = await client.query<{ database: string }>("SHOW CLIENTS");
    return result.rows.filter((row) => row.database !== "pgbouncer").length;
  } finally {
    await client.end();
  }
}

describe.skipIf(!binaries)("fault injection", () => {
  beforeAll(async () => {
    database = await startPostgresServer();
    await migrateDatabase(database.url, { statementTimeoutMs: SERVER_BUDGET_MS });
    pool = await startPgbouncer(database.url);
    worker = await startLocalWorker({
      databaseUrl: pool.url,
      githubApiUrl: inject("githubApiUrl"),
      scriptPath: inject("workerBundle"),
      bindings: { JWT_SECRET: "faults-only-jwt-secret-0123456789abcdef", LOG_LEVEL: "error" },
    });
    directWorker = await startLocalWorker({
      databaseUrl: database.url,
      githubApiUrl: inject("githubApiUrl"),
      scriptPath: inject("workerBundle"),
      bindings: { JWT_SECRET: "faults-only-jwt-secret-0123456789abcdef", LOG_LEVEL: "error" },
    });
    token = (await registerAccount(worker.url, "faults")).access_token;
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
    await directWorker?.stop();
    await pool?.stop();
    await database?.stop();
  });

  it("the pool refuses a statement_timeout startup parameter; the role-level budget reaches pooled sessions", async () => {
    const refused = new pg.Client({ connectionString: pool.url, statement_timeout: 5_000 });
    await expect(refused.connect()).rejects.toThrow(/unsupported startup parameter: statement_timeout/);
    await refused.end().catch(() => undefined);
    const pooled = new pg.Client({ connectionString: pool.url });
    await pooled.connect();
    try {
      const { rows } = await pooled.query<{ statement_timeout: string }>("SHOW statement_timeout");
      expect(rows[0]?.statement_timeout).toBe(`${SERVER_BUDGET_MS}ms`);
    } finally {
      await pooled.end();
    }
  });

  it("a slow database: through the pool, statements past the budget are cancelled by the server and answered 503 in time, without leaking connections", async () => {
    const created = await authed("/notes", { method: "POST", body: JSON.stringify({ title: "locked" }) });
    const note = (await created.json()) as Note;
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
        // Far below the worker's 6 s client-side backstop: the server cancelled it.
        expect(ms).toBeLessThan(SERVER_BUDGET_MS + 1_500);
      }
      // The lock is still held, yet nothing waits on it: the statements were cancelled on the
      // server (a client that merely gave up would leave its backend queued behind the lock).
      const waiting = await directQuery<{ query: string }>(
        "SELECT query FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
      );
      expect(waiting).toEqual([]);
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

  it("the database stops mid-run: 503 with Retry-After within 2 s through the pool and direct, readiness fails, cached GitHub keeps working, nothing hangs", async () => {
    const github = "/github/users/r5-faults/repos";
    expect((await call(github)).status).toBe(200);
    expect((await call("/health/ready")).status).toBe(200);
    await database.stop();

    // The worker's default budget (5 s, backstop 6 s) applies here: nothing may wait it out.
    for (const [via, target] of [
      ["pool", worker],
      ["direct", directWorker],
    ] as const) {
      const attempts: [string, () => Promise<Response>][] = [
        ["GET /notes", () => authed("/notes", {}, target)],
        [
          "POST /notes",
          () => authed("/notes", { method: "POST", body: JSON.stringify({ title: "lost?" }) }, target),
        ],
        [
          "POST /auth/login",
          () =>
            callOn(target, "/auth/login", {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ email: "nobody@faults.test", password: "faults-Password-1" }),
            }),
        ],
        ["GET /polls", () => callOn(target, "/polls")],
      ];
      for (const [what, attempt] of attempts) {
        const [response, ms] = await timed(attempt);
        expect({ via, what, status: response.status }).toEqual({ via, what, status: 503 });
        expect(response.headers.get("content-type")).toContain("application/problem+json");
        expect(response.headers.get("retry-after")).toBeTruthy();
        expect({ via, what, fast: ms < 2_000 }).toEqual({ via, what, fast: true });
      }
    }

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
