/**
 * The embedded database behind `npm start` and the PGlite test run: PGlite (Postgres
 * compiled to WASM, nothing to install) with the extensions our migrations need,
 * served over the wire protocol so the worker talks to it exactly as to a real server.
 */
import { mkdir } from "node:fs/promises";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { serveOverWire } from "./pglite-wire-server.ts";

export interface RunningDatabase {
  url: string;
  stop(): Promise<void>;
}

/**
 * @param dataDir a directory to persist to, or undefined for an in-memory database.
 * @param port 0 picks a free port.
 */
export async function startEmbeddedPostgres(dataDir: string | undefined, port = 0): Promise<RunningDatabase> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir ?? "memory://", { extensions: { pg_trgm } });
  const server = await serveOverWire(db, port);
  let stopped = false;
  return {
    // PGlite ignores credentials, but Hyperdrive insists on a password in the URL.
    url: `postgres://devhub:devhub@127.0.0.1:${server.port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      // close() checkpoints and shuts Postgres down, so the data dir is left consistent.
      await db.close();
    },
  };
}
