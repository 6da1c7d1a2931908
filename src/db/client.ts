import type { Duplex } from "node:stream";
import { Pool as NeonPool } from "@neondatabase/serverless";
import type { SQL } from "drizzle-orm";
import { drizzle as drizzleNeon } from "drizzle-orm/neon-serverless";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import { CloudflareSocket } from "pg-cloudflare";
import type { AppConfig } from "../config.ts";
import * as schema from "./schema.ts";

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  /** Releases the connection if one was opened; safe to call more than once. */
  close(): Promise<void>;
}

/** Upper bound for a single statement; a slow database must not hold a request forever. */
/** A database that does not accept a connection within this is treated as down (503). */
const CONNECT_TIMEOUT_MS = 1_500;

/**
 * Creates the pg Client on the first query, so routes that never touch the database
 * (health, docs, cached GitHub reads) never build a socket or pay for a handshake.
 * pg queues queries issued before its handshake finishes, so none waits an extra turn.
 */
function createPgHandle(connectionString: string, statementTimeoutMs: number): DatabaseHandle {
  let client: pg.Client | undefined;
  const open = (): pg.Client => {
    if (client) return client;
    client = new pg.Client({
      connectionString,
      // Handing pg the socket explicitly (rather than letting it `require` pg-cloudflare by
      // export condition) works the same under wrangler and under the vitest pool, whose
      // CommonJS resolver picks the package's empty non-workerd stub.
      stream: () => new CloudflareSocket(false) as unknown as Duplex,
      // The server cancels a statement past the budget (SQLSTATE 57014, answered 503); the
      // client-side timeout is the backstop for a server that stops answering altogether.
      statement_timeout: statementTimeoutMs,
      query_timeout: statementTimeoutMs + 1_000,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    // A late connection error must not crash the isolate; queued queries reject on their own.
    client.on("error", () => undefined);
    client.connect().catch(() => undefined);
    return client;
  };
  // drizzle only ever calls query() on a non-Pool client (transactions included).
  const lazyClient = {
    query: (...args: unknown[]) => (open().query as (...a: unknown[]) => unknown)(...args),
  };
  let closed = false;
  return {
    db: drizzlePg({ client: lazyClient as unknown as pg.Client, schema }) as unknown as Database,
    async close() {
      if (closed || !client) return;
      closed = true;
      await client.end().catch(() => undefined);
    },
  };
}

function createNeonHandle(connectionString: string): DatabaseHandle {
  // The WebSocket Pool (not the HTTP driver) so interactive transactions work.
  const pool = new NeonPool({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  pool.on("error", () => undefined);
  let closed = false;
  return {
    db: drizzleNeon({ client: pool, schema }) as unknown as Database,
    async close() {
      if (closed) return;
      closed = true;
      await pool.end().catch(() => undefined);
    },
  };
}

/**
 * One client per request: Hyperdrive pools the real connections at the edge, so a
 * per-request client is cheap there, and it keeps requests from sharing state.
 */
export function createDatabase(config: AppConfig, hyperdrive: Hyperdrive | undefined): DatabaseHandle {
  if (config.databaseDriver === "neon") {
    if (!config.databaseUrl) throw new Error("DATABASE_DRIVER=neon requires DATABASE_URL");
    return createNeonHandle(config.databaseUrl);
  }
  if (!hyperdrive) throw new Error("The HYPERDRIVE binding is missing");
  return createPgHandle(hyperdrive.connectionString, config.statementTimeoutMs);
}

/**
 * Runs a raw statement (CTEs and other SQL the query builder cannot express) and returns
 * its rows. Both drivers answer with a pg-style `{ rows }` result.
 */
export async function queryRows<T extends Record<string, unknown>>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
