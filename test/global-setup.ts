/**
 * Runs in Node before any test: provisions the database for this run (PGlite or a real
 * PostgreSQL server, chosen by TEST_DATABASE), applies the migrations and hands the URL
 * to both test projects through `provide()`.
 */
import type { TestProject } from "vitest/node";
import { type RunningDatabase, startEmbeddedPostgres } from "../scripts/lib/embedded-postgres.ts";
import { startGithubUpstream } from "../scripts/lib/github-upstream.ts";
import { buildWorker } from "../scripts/lib/local-worker.ts";
import { findPgbouncer, startPgbouncer } from "../scripts/lib/pgbouncer.ts";
import { startPostgresServer } from "../scripts/lib/postgres-server.ts";
import { startWebhookReceiver } from "../scripts/lib/webhook-receiver.ts";
import { migrateDatabase } from "../scripts/migrate.ts";

export type TestDatabaseKind = "pglite" | "postgres";

export default async function setup(project: TestProject) {
  const kind: TestDatabaseKind = process.env.TEST_DATABASE === "postgres" ? "postgres" : "pglite";
  // CI may hand us a service container instead of local binaries (TEST_DATABASE_URL).
  const external = process.env.TEST_DATABASE_URL;
  const database: RunningDatabase =
    kind === "pglite"
      ? await startEmbeddedPostgres(undefined)
      : external
        ? { url: external, stop: async () => undefined }
        : await startPostgresServer();
  await migrateDatabase(database.url);
  // The worker reaches a real server the way it reaches production: through a
  // transaction-mode pool (PgBouncer standing in for Hyperdrive). Migrations and
  // fault-injection statements use the server directly.
  const pool = kind === "postgres" && findPgbouncer() ? await startPgbouncer(database.url) : undefined;
  if (kind === "postgres" && !pool) console.log("NOTE: no pgbouncer; the PostgreSQL run connects directly.");
  const github = await startGithubUpstream();
  const receiver = await startWebhookReceiver();
  project.provide("databaseUrl", pool?.url ?? database.url);
  project.provide("databaseDirectUrl", database.url);
  project.provide("databaseKind", kind);
  project.provide("githubApiUrl", github.url);
  project.provide("webhookReceiverUrl", receiver.url);
  // Node-side suites (fuzz, faults) run the deployable bundle itself in workerd.
  project.provide("workerBundle", buildWorker());
  return async () => {
    await pool?.stop();
    await Promise.all([database.stop(), github.stop(), receiver.stop()]);
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** What the worker connects to: the pool on the PostgreSQL run, else the database. */
    databaseUrl: string;
    /** The database itself, bypassing any pool. */
    databaseDirectUrl: string;
    databaseKind: TestDatabaseKind;
    githubApiUrl: string;
    /** scripts/lib/webhook-receiver.ts: where test webhook endpoints point. */
    webhookReceiverUrl: string;
    workerBundle: string;
  }
}
