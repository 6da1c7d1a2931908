import type { Duplex } from "node:stream";
import { Client as NeonClient } from "@neondatabase/serverless";
import type { SQL } from "drizzle-orm";
import { drizzle as drizzleNeon } from "drizzle-orm/neon-serverless";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import { CloudflareSocket } from "pg-cloudflare";
import type { AppConfig } from "../config.ts";
import { withPeerTimeout, withTimeout } from "../lib/timeout.ts";

/**
 * Without drizzle's relational query API (`db.query.*`): every read here is the query builder
 * or raw SQL. Passing `schema` would make drizzle walk every table and relation each time a
 * client is built, which is once per request (~70 µs, measured), for an API nothing calls.
 */
export type Database = PgDatabase<PgQueryResultHKT>;

export interface DatabaseHandle {
  db: Database;
  /** Releases the connection if one was opened; safe to call more than once. */
  close(): Promise<void>;
  /** Statements sent so far (the access log reports it; see cache-policy.ts). */
  queries(): number;
}

/** A database that does not accept a connection within this is treated as down (503). */
const CONNECT_TIMEOUT_MS = 1_500;
/**
 * The driver's own connect timer, a backstop behind the handshake cap: it destroys the socket
 * when it fires, answer waiting or not, so it must not fire first in an isolate running late.
 */
const DRIVER_CONNECT_BACKSTOP_MS = 4 * CONNECT_TIMEOUT_MS;

/** The parts of a node-postgres-style client the lazy handle drives (pg and Neon share them). */
interface SqlClient {
  connect(): Promise<unknown>;
  query: (...args: never[]) => unknown;
  end(): Promise<unknown>;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * Creates the client on the first query, so routes that never touch the database
 * (health, docs, cached GitHub reads) never build a socket or pay for a handshake.
 *
 * Statement budget: the *server* cancels a statement past the budget (SQLSTATE 57014,
 * answered 503) because the budget is a role-level default (`ALTER ROLE … SET
 * statement_timeout`, applied by scripts/lib/statement-budget.ts with the migrations). It is
 * not sent from here: as a startup parameter, transaction-mode poolers (PgBouncer, RDS Proxy,
 * Hyperdrive-style pools) refuse the connection or silently drop it; a session `SET` would
 * leak to other clients of the pooled server connection; `SET LOCAL` would need a
 * transaction and three extra round trips around every autocommit query. A role default is
 * applied by Postgres itself to every server connection the pool opens, so it holds through
 * any pooler at no per-query cost. `query_timeout` (set by each driver's factory) is the
 * client-side backstop for a server, pool or proxy that stops answering altogether.
 */
function lazyClientHandle<C extends SqlClient>(
  newClient: () => C,
  toDrizzle: (client: C) => Database,
): DatabaseHandle {
  let client: C | undefined;
  let connected: Promise<void> | undefined;
  const open = (): { client: C; connected: Promise<void> } => {
    if (client && connected) return { client, connected };
    client = newClient();
    // A late connection error must not crash the isolate; queries reject on their own.
    client.on("error", () => undefined);
    // pg's own connect timer only fires once the socket is open; a pool or proxy that accepts
    // the socket but never completes the handshake (database down behind it) would otherwise
    // hold every query until query_timeout. This caps the whole handshake instead, as the
    // pool's silence: an isolate that runs the timer late behind a burst of requests gets to
    // read an answer already waiting (withPeerTimeout) rather than calling the database down.
    const handshake = withPeerTimeout(client.connect(), CONNECT_TIMEOUT_MS, "The database connection");
    handshake.catch(() => undefined);
    connected = handshake.then(() => undefined);
    return { client, connected };
  };
  // drizzle only ever calls query() on a non-Pool client (transactions included).
  let sent = 0;
  const lazyClient = {
    query: async (...args: unknown[]) => {
      sent += 1;
      const { client: opened, connected: ready } = open();
      await ready;
      return (opened.query as (...a: unknown[]) => unknown)(...args);
    },
  };
  let closed = false;
  return {
    db: toDrizzle(lazyClient as unknown as C),
    queries: () => sent,
    async close() {
      if (closed || !client) return;
      closed = true;
      // end() waits for the socket to close, which a half-open handshake may never do.
      await withTimeout(client.end(), CONNECT_TIMEOUT_MS, "Closing the database connection").catch(
        () => undefined,
      );
    },
  };
}

/** The client-side backstop: a second past the server's own statement budget. */
const queryTimeoutFor = (statementTimeoutMs: number) => statementTimeoutMs + 1_000;

function createPgHandle(connectionString: string, statementTimeoutMs: number): DatabaseHandle {
  return lazyClientHandle(
    () =>
      new pg.Client({
        connectionString,
        // Handing pg the socket explicitly (rather than letting it `require` pg-cloudflare by
        // export condition) works the same under wrangler and under the vitest pool, whose
        // CommonJS resolver picks the package's empty non-workerd stub.
        stream: () => new CloudflareSocket(false) as unknown as Duplex,
        query_timeout: queryTimeoutFor(statementTimeoutMs),
        connectionTimeoutMillis: DRIVER_CONNECT_BACKSTOP_MS,
      }),
    (client) => drizzlePg({ client }) as unknown as Database,
  );
}

/**
 * Neon's WebSocket client (not the HTTP driver, so interactive transactions work), one per
 * request like the pg path, with the same handshake cap and `query_timeout` backstop: without
 * it a hop that stops answering mid-session holds the request until the socket thaws.
 */
function createNeonHandle(config: AppConfig, connectionString: string): DatabaseHandle {
  const proxy = config.neonWsProxy;
  return lazyClientHandle(
    () => {
      if (proxy && config.environment === "production") {
        throw new Error("NEON_WS_PROXY is refused in production: the Neon driver dials Neon itself there");
      }
      const client = new NeonClient({
        connectionString,
        query_timeout: queryTimeoutFor(config.statementTimeoutMs),
        connectionTimeoutMillis: DRIVER_CONNECT_BACKSTOP_MS,
      });
      // A local WebSocket proxy (the test setup's, or Neon's own wsproxy) speaks plain ws://
      // and relays to a server that asks for no cleartext password, so no pipelined login.
      if (proxy) {
        Object.assign(client.neonConfig, {
          wsProxy: proxy,
          useSecureWebSocket: false,
          pipelineConnect: false,
        });
      }
      return client;
    },
    (client) => drizzleNeon({ client }) as unknown as Database,
  );
}

/**
 * One client per request: Hyperdrive pools the real connections at the edge, so a
 * per-request client is cheap there, and it keeps requests from sharing state.
 */
export function createDatabase(config: AppConfig, hyperdrive: Hyperdrive | undefined): DatabaseHandle {
  if (config.databaseDriver === "neon") {
    if (!config.databaseUrl) throw new Error("DATABASE_DRIVER=neon requires DATABASE_URL");
    return createNeonHandle(config, config.databaseUrl);
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
