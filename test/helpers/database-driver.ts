import { env } from "cloudflare:workers";
import { inject } from "vitest";
import { loadConfig } from "../../src/config.ts";

/** The driver this run's worker uses: `neon` on the Neon run, else `pg` over HYPERDRIVE. */
export const databaseDriver = loadConfig(env).databaseDriver;

/** Port 9 (discard) on loopback refuses connections: a database, or a proxy, that is down. */
const DOWN = "127.0.0.1:9";

/**
 * Binding overrides under which the run's driver cannot reach its database: the Hyperdrive
 * connection string on the pg path; on the Neon path the WebSocket proxy as well, since a
 * proxy relays to its own upstream whatever address the URL names.
 *
 * @example const broken = apiWithEnv(unreachableDatabase("u:p"));
 */
export function unreachableDatabase(credentials: string): Record<string, unknown> {
  const url = `postgres://${credentials}@${DOWN}/db`;
  if (databaseDriver === "neon") return { DATABASE_URL: url, NEON_WS_PROXY: `${DOWN}/v2` };
  return { HYPERDRIVE: { ...env.HYPERDRIVE, connectionString: url } };
}

/** The database URL the Neon driver uses with its host swapped, e.g. for the proxy's frozen lane. */
export function neonUrlWithHost(host: string): string {
  const url = new URL(inject("databaseDriverBindings").DATABASE_URL ?? "");
  url.hostname = host;
  return url.toString();
}

/**
 * Binding overrides that run the worker as production. Production refuses the Neon run's local
 * WebSocket proxy (by design), so on that run such a test takes the pg path over HYPERDRIVE, as
 * a Hyperdrive deployment does; on the other runs it changes nothing else.
 */
export function asProduction(): Record<string, unknown> {
  return databaseDriver === "neon"
    ? { ENVIRONMENT: "production", DATABASE_DRIVER: "pg" }
    : { ENVIRONMENT: "production" };
}
