import type { ApiKeyScope } from "./auth/scopes.ts";
import type { AppConfig } from "./config.ts";
import type { DatabaseUsage } from "./db/cache-policy.ts";
import type { Database } from "./db/client.ts";
import type { ClientAddress } from "./lib/client-address.ts";
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
  NEON_WS_PROXY?: string;
  JWT_SECRET?: string;
  ACCESS_TOKEN_TTL_SECONDS?: string;
  REFRESH_TOKEN_TTL_SECONDS?: string;
  GITHUB_API_URL?: string;
  GITHUB_TOKEN?: string;
  GITHUB_CACHE_TTL_SECONDS?: string;
  GITHUB_STALE_TTL_SECONDS?: string;
  GITHUB_TIMEOUT_MS?: string;
  GITHUB_MAX_PAGES?: string;
  GITHUB_DEADLINE_MS?: string;
  GITHUB_MAX_BODY_BYTES?: string;
  RATE_LIMIT_POLICY?: string;
  SEARCH_STATEMENT_TIMEOUT_MS?: string;
  LIVE_SOCKETS_PER_ADDRESS?: string;
  LIVE_SOCKETS_PER_POLL?: string;
  LIVE_IDLE_SECONDS?: string;
  QUOTA_NOTES?: string;
  QUOTA_NOTE_BYTES?: string;
  QUOTA_POLLS?: string;
  EVENTS_RETENTION_DAYS?: string;
  WEBHOOK_ALLOW_LOOPBACK?: string;
  WEBHOOK_RETRY_BASE_SECONDS?: string;
  STATS_ACCESS?: string;
  TRIGGER_ERROR_ACCESS?: string;
  STATS_SHARDS?: string;
  STATS_FLUSH_MS?: string;
  DATABASE_STATEMENT_TIMEOUT_MS?: string;
  APP_VERSION?: string;
  GIT_COMMIT?: string;
}

/** Who is calling, once the auth middleware has verified it. */
export interface Caller {
  userId: string;
  role: "user" | "admin";
  via: "jwt" | "api_key";
  apiKeyId?: string;
  /** A session's refresh-token family (the JWT's `sid`); absent on tokens issued before it was. */
  sessionId?: string;
  /** An API key's scopes (src/auth/scopes.ts); a session has the account's full rights. */
  scopes?: readonly ApiKeyScope[];
}

export interface Variables {
  requestId: string;
  config: AppConfig;
  log: Logger;
  db: Database;
  /** Which binding the request's queries went through (access log; cache-policy.ts). */
  databaseUsage: () => DatabaseUsage;
  /**
   * Set by the auth middleware; absent for anonymous callers. Behind `authed` or `adminOnly`
   * the handler's environment adds `{ caller: Caller }` (AuthedEnv), so it reads as present.
   */
  caller?: Caller;
  /** The caller's network address and the key per-address limits use (rate-limit middleware). */
  client: ClientAddress;
  /**
   * Spends the budgets a route declared as charged per upstream call (`limits: ["github", …]`):
   * the GitHub client calls it before each call it actually makes. Unset on other routes.
   */
  spendUpstream?: () => Promise<void>;
  /** Upstream GitHub calls this request made (quota headers, /stats by route; github.quota.ts). */
  upstreamCalls?: number;
  /** Set by GitHub routes so the metrics middleware can count cache hits. */
  cacheState: "hit" | "miss" | "stale" | "revalidated";
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
