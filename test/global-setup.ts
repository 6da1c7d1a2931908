/**
 * Runs in Node before any test: provisions the database for this run (chosen by
 * TEST_DATABASE: PGlite, a real PostgreSQL server through PgBouncer, or the same reached by
 * the Neon driver through a local WebSocket proxy), applies the migrations and hands the URLs
 * to both test projects through `provide()`.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import { type RunningDatabase, startEmbeddedPostgres } from "../scripts/lib/embedded-postgres.ts";
import { startGithubUpstream } from "../scripts/lib/github-upstream.ts";
import { startHyperdriveCacheEmulator } from "../scripts/lib/hyperdrive-cache.ts";
import { BUNDLE_DIR, buildWorker } from "../scripts/lib/local-worker.ts";
import { startNeonWsProxy } from "../scripts/lib/neon-ws-proxy.ts";
import { findPgbouncer, startPgbouncer } from "../scripts/lib/pgbouncer.ts";
import { startPostgresServer } from "../scripts/lib/postgres-server.ts";
import { startWebhookReceiver } from "../scripts/lib/webhook-receiver.ts";
import { migrateDatabase } from "../scripts/migrate.ts";

export type TestDatabaseKind = "pglite" | "postgres" | "neon";

function databaseKind(): TestDatabaseKind {
  const requested = process.env.TEST_DATABASE;
  return requested === "postgres" || requested === "neon" ? requested : "pglite";
}

export default async function setup(project: TestProject) {
  const kind = databaseKind();
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
  // Its clients wait for a server connection as long as a statement may run (5 s), not the
  // 1 s that sheds load elsewhere: `npm test` runs two suites at once on two cores, and a
  // 200-ballot flood then queues past 1 s. These suites check what concurrency does to the
  // data; the shedding and the dead-database 503 are the fault tests' own pool's.
  const pool =
    kind !== "pglite" && findPgbouncer()
      ? await startPgbouncer(database.url, { queryWaitSeconds: 5 })
      : undefined;
  if (kind !== "pglite" && !pool) console.log("NOTE: no pgbouncer; the PostgreSQL run connects directly.");
  // The Neon run: the worker's Neon driver dials a WebSocket proxy in front of the same pool,
  // as it would dial Neon's pooled endpoint.
  const neonProxy = kind === "neon" ? await startNeonWsProxy(pool?.url ?? database.url) : undefined;
  // Hyperdrive's query cache, emulated in front of what the HYPERDRIVE binding reaches
  // (test/workers/cache-policy.test.ts routes its flows through it).
  const hyperdrive = await startHyperdriveCacheEmulator(pool?.url ?? database.url);
  const github = await startGithubUpstream();
  const receiver = await startWebhookReceiver();
  project.provide("databaseUrl", pool?.url ?? database.url);
  project.provide("databaseDirectUrl", database.url);
  project.provide("databaseKind", kind);
  project.provide(
    "databaseDriverBindings",
    neonProxy
      ? { DATABASE_DRIVER: "neon", DATABASE_URL: pool?.url ?? database.url, NEON_WS_PROXY: neonProxy.address }
      : {},
  );
  project.provide("githubApiUrl", github.url);
  project.provide("webhookReceiverUrl", receiver.url);
  project.provide("hyperdriveCachingOnUrl", hyperdrive.cachingOnUrl);
  project.provide("hyperdriveCachingDisabledUrl", hyperdrive.cachingDisabledUrl);
  // Node-side suites (fuzz, faults) run the deployable bundle itself in workerd.
  // Its own directory: the runs of `npm test` build at the same time.
  const bundleDir = join(BUNDLE_DIR, `test-${process.pid}`);
  project.provide("workerBundle", buildWorker(bundleDir));
  return async () => {
    await Promise.all([neonProxy?.stop(), hyperdrive.stop()]);
    await pool?.stop();
    await Promise.all([database.stop(), github.stop(), receiver.stop()]);
    await rm(bundleDir, { recursive: true, force: true });
  };
}

declare module "vitest" {
  export interface ProvidedContext {
    /** What the worker connects to: the pool on the PostgreSQL run, else the database. */
    databaseUrl: string;
    /** The database itself, bypassing any pool. */
    databaseDirectUrl: string;
    databaseKind: TestDatabaseKind;
    /** Worker bindings selecting the driver: empty (pg over HYPERDRIVE) but on the Neon run. */
    databaseDriverBindings: Record<string, string>;
    githubApiUrl: string;
    /** scripts/lib/webhook-receiver.ts: where test webhook endpoints point. */
    webhookReceiverUrl: string;
    /** The database behind an emulation of Hyperdrive's query cache, caching on. */
    hyperdriveCachingOnUrl: string;
    /** The same emulation with caching disabled, as the HYPERDRIVE config is provisioned. */
    hyperdriveCachingDisabledUrl: string;
    workerBundle: string;
  }
}
