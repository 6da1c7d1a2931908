/**
 * Hyperdrive cache policy: no query of this API is served from Hyperdrive's query cache.
 *
 * Hyperdrive caches read-only queries for 60 s (+15 s stale-while-revalidate) by default.
 * Every read here is one a client expects to reflect its own or someone's latest write:
 * - authentication: an API key or account looked up by a plain SELECT would keep a revoked
 *   key or a disabled account working for up to 75 s;
 * - notes: GET after PATCH must return the new version and ETag (If-Match builds on it);
 * - polls: results must include the vote just cast; the vote cap reads counts;
 * - lists and tags after create/delete, idempotency keys, refresh-token rotation.
 * What is expensive and safe to serve stale (GitHub) already has its own explicit KV cache
 * with a visible Cache-Status. Most of the statements above call now(), which Hyperdrive
 * never caches anyway, but that is an accident of today's SQL, not a guarantee.
 *
 * So the one binding, HYPERDRIVE, is created with `--caching-disabled` (HYPERDRIVE_QUERY_CACHING,
 * applied by scripts/provision.ts), Cloudflare's arrangement for queries that must not be cached.
 * test/workers/cache-policy.test.ts runs the read-your-writes flows behind an emulation of
 * Hyperdrive's cache (scripts/lib/hyperdrive-cache.ts): fresh as configured, and stale with
 * caching on — so the accident above is not what keeps them fresh. Should a read ever be safe
 * to serve up to 75 s stale, it gets a second binding (e.g. HYPERDRIVE_CACHED, created with
 * caching on) chosen explicitly here per use, never by default.
 */
import type { AppConfig } from "../config.ts";
import type { Bindings } from "../env.ts";
import { createDatabase, type DatabaseHandle } from "./client.ts";

/** The Hyperdrive binding every query uses; its config has query caching disabled. */
export const UNCACHED_BINDING = "HYPERDRIVE" satisfies keyof Bindings;

/** How the access log names the Neon driver's connection (it bypasses Hyperdrive). */
export const NEON_CONNECTION = "DATABASE_URL (neon)";

/** Which binding (or driver) served a request's queries, and how many it sent. */
export interface DatabaseUsage {
  binding: string;
  queries: number;
}

export interface RoutedDatabase extends DatabaseHandle {
  usage(): DatabaseUsage;
}

/** Opens the request's database through the binding the policy allows. */
export function openDatabase(config: AppConfig, env: Bindings): RoutedDatabase {
  const handle = createDatabase(config, env[UNCACHED_BINDING]);
  return {
    ...handle,
    usage: () => ({
      binding: config.databaseDriver === "neon" ? NEON_CONNECTION : UNCACHED_BINDING,
      queries: handle.queries(),
    }),
  };
}
