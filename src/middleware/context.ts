import type { MiddlewareHandler } from "hono";
import { loadConfig } from "../config.ts";
import { openDatabase } from "../db/cache-policy.ts";
import type { AppEnv } from "../env.ts";
import { Logger } from "../lib/logger.ts";

/**
 * Builds the per-request services (config, logger, database) once and stores them on
 * the context, so handlers never construct infrastructure themselves. It runs right after
 * the request id and before every other layer, so CORS, the body limit, metrics and auth
 * read `c.var.config` instead of parsing the bindings again; this and the cron are the
 * only callers of `loadConfig` on the request side.
 */
export function requestContext(): MiddlewareHandler<AppEnv> {
  return async function requestContextMiddleware(c, next) {
    const config = loadConfig(c.env);
    c.set("config", config);
    c.set("log", new Logger(config.logger, { request_id: c.get("requestId") }));
    const database = openDatabase(config, c.env);
    c.set("db", database.db);
    c.set("databaseUsage", database.usage);
    try {
      await next();
    } finally {
      // Closing after the response is sent keeps the handshake out of the latency; a request
      // that sent no query opened no connection, so it has nothing to wait for.
      if (database.queries() > 0) c.executionCtx.waitUntil(database.close());
    }
  };
}
