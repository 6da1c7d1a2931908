import type { AppConfig } from "./config.ts";
import type { Database } from "./db/client.ts";
import type { Logger } from "./lib/logger.ts";

/**
 * Bindings come from `wrangler types` (src/worker-configuration.d.ts); secrets and
 * optional vars that wrangler.toml does not declare are added here.
 */
export interface Bindings extends Env {
  CI?: string;
  LOG_LEVEL?: string;
  LOG_CHANNELS?: string;
  DOCS_ENABLED?: string;
  DATABASE_URL?: string;
}

export interface Variables {
  requestId: string;
  config: AppConfig;
  log: Logger;
  db: Database;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
