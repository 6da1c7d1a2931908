import type { QuotaSettings } from "./db/quota.ts";
import { type EventSettings, parseEventSettings } from "./events/settings.ts";
import { type GithubSettings, parseGithubSettings } from "./github-client/settings.ts";
import { type LoggerSettings, parseLoggerSettings } from "./lib/logger.ts";
import { type PolicyFigures, parsePolicyFigures } from "./rate-limit/policy.ts";
import { API_VERSION } from "./version.ts";

/**
 * One place decides which environment the worker runs in and derives every
 * environment-dependent default from it, so no route checks `ENVIRONMENT` itself.
 */
export const ENVIRONMENTS = ["local", "test", "ci", "staging", "production"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export type DatabaseDriver = "pg" | "neon";

export interface AppConfig {
  environment: Environment;
  /** Expose exception messages in 500 bodies (never stacks); only where no user is exposed to them. */
  exposeErrorDetail: boolean;
  docsEnabled: boolean;
  maxBodyBytes: number;
  corsOrigins: "*" | string[];
  databaseDriver: DatabaseDriver;
  /** Server-side statement budget; a slower statement is cancelled and answered 503. */
  statementTimeoutMs: number;
  /** Only read when databaseDriver is "neon"; Hyperdrive supplies the URL otherwise. */
  databaseUrl: string | undefined;
  /**
   * `NEON_WS_PROXY`: a WebSocket proxy (`host:port/path`, plain ws://) the Neon driver dials
   * instead of Neon's endpoint, for local and test runs; refused in production.
   */
  neonWsProxy: string | undefined;
  logger: LoggerSettings;
  /** The figures of every rate limit (src/rate-limit/policy.ts, overridden by `RATE_LIMIT_POLICY`). */
  rateLimitPolicy: PolicyFigures;
  /** Statement budget of a note search (`SEARCH_STATEMENT_TIMEOUT_MS`, default 2000). */
  searchStatementTimeoutMs: number;
  /** Live-results sockets: per address and per poll, and how long one may stay silent. */
  liveSockets: LiveSocketLimits;
  accessTokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  /** Who may read /stats: everyone, or admins only (the production default). */
  statsAccess: "public" | "admin";
  /** /trigger-error: off in production, admin-only in staging, open elsewhere (by default). */
  triggerErrorAccess: "public" | "admin" | "off";
  statsShards: number;
  /** How often an isolate sends its buffered samples (default 1000 ms). */
  statsFlushMs: number;
  appVersion: string;
  gitCommit: string | null;
  /** `GITHUB_*` vars and the optional `GITHUB_TOKEN` secret. */
  github: GithubSettings;
  /** Per-account storage quotas (`QUOTA_NOTES`, `QUOTA_NOTE_BYTES`, `QUOTA_POLLS`). */
  quotas: QuotaSettings;
  /** Event retention and webhook delivery (`EVENTS_RETENTION_DAYS`, `WEBHOOK_*`). */
  events: EventSettings;
  /**
   * Keys derived from `JWT_SECRET`, or `null` when it is missing or shorter than 32
   * characters. Read them with `requireSigningKeys`, which fails only what signs or verifies.
   */
  signingKeys: SigningKeys | null;
}

/**
 * One key per purpose, all derived from `JWT_SECRET`, so a signature made for one purpose
 * (a cursor) can never pass as another (a voter cookie). The prefixes are part of every
 * signature already issued: changing one invalidates those cursors, cookies or hashes.
 */
export interface SigningKeys {
  /** HS256 key of access tokens. */
  accessToken: string;
  /** HMAC key of pagination cursors. */
  cursor: string;
  /** HMAC key of the anonymous `dh_voter` cookie. */
  voterCookie: string;
  /** HMAC key of the per-poll client-address hashes behind `max_votes_per_ip`. */
  addressHash: string;
}

/** A 32-byte secret is the floor for HS256; a shorter one is treated as missing. */
const MIN_SECRET_LENGTH = 32;

function parseSigningKeys(secret: unknown): SigningKeys | null {
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) return null;
  return {
    accessToken: secret,
    cursor: `cursor:${secret}`,
    voterCookie: `voter:${secret}`,
    addressHash: `ip:${secret}`,
  };
}

/**
 * The signing keys, or an error (answered as an opaque 500) when `JWT_SECRET` is missing or
 * short. Thrown here rather than in `loadConfig`, so a misconfigured deploy still answers
 * /health, the docs and API-key requests, and only what needs a key fails.
 *
 * @example verifyAccessToken(token, requireSigningKeys(c.var.config).accessToken)
 */
export function requireSigningKeys(config: AppConfig): SigningKeys {
  if (!config.signingKeys) {
    throw new Error(`JWT_SECRET is missing or shorter than ${MIN_SECRET_LENGTH} characters`);
  }
  return config.signingKeys;
}

type ConfigSource = Partial<Record<string, unknown>>;

export interface LiveSocketLimits {
  /** Open sockets of one client address on one poll (`LIVE_SOCKETS_PER_ADDRESS`, default 20). */
  perAddress: number;
  /** Open sockets on one poll (`LIVE_SOCKETS_PER_POLL`, default 10000). */
  perPoll: number;
  /** A socket that has sent nothing, not even `ping`, for this long is closed (`LIVE_IDLE_SECONDS`, default 120). */
  idleSeconds: number;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * `ENVIRONMENT` comes from wrangler.toml (`local`, `staging`, `production`); the test
 * runner sets `test`, and a `CI` variable upgrades a local/test run to `ci`.
 *
 * @example detectEnvironment({ ENVIRONMENT: "production" }) // "production"
 */
export function detectEnvironment(source: ConfigSource): Environment {
  const declared = String(source.ENVIRONMENT ?? "").toLowerCase();
  const environment = (ENVIRONMENTS as readonly string[]).includes(declared)
    ? (declared as Environment)
    : "local";
  const inCi = ["true", "1"].includes(String(source.CI ?? "").toLowerCase());
  if (inCi && (environment === "local" || environment === "test")) return "ci";
  return environment;
}

function positiveInteger(value: unknown, fallback: number): number {
  const parsed = Number(value);
  return Number.isSafeInteger(parsed) && parsed > 0 ? parsed : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return (allowed as readonly unknown[]).includes(value) ? (value as T) : fallback;
}

function parseOrigins(value: unknown): "*" | string[] {
  const raw = String(value ?? "*").trim();
  if (raw === "" || raw === "*") return "*";
  return raw
    .split(",")
    .map((origin) => origin.trim())
    .filter(Boolean);
}

const cache = new WeakMap<object, AppConfig>();

/**
 * Parses the bindings once per isolate (the `env` object is stable across requests). Called
 * only at the entries: the request-context middleware, the cron and the Durable Object that
 * reads Postgres; everything else reads `c.var.config`.
 */
export function loadConfig(source: object): AppConfig {
  const cached = cache.get(source);
  if (cached) return cached;
  const vars = source as ConfigSource;
  const environment = detectEnvironment(vars);
  const deployed = environment === "staging" || environment === "production";
  const config: AppConfig = {
    environment,
    exposeErrorDetail: !deployed,
    docsEnabled: String(vars.DOCS_ENABLED ?? "true") !== "false",
    maxBodyBytes: positiveInteger(vars.MAX_BODY_BYTES, DEFAULT_MAX_BODY_BYTES),
    corsOrigins: parseOrigins(vars.CORS_ORIGINS),
    databaseDriver: vars.DATABASE_DRIVER === "neon" ? "neon" : "pg",
    // Tests keep the console readable; they capture channels they assert on explicitly.
    logger: parseLoggerSettings(vars.LOG_LEVEL, vars.LOG_CHANNELS, environment === "test" ? "warn" : "info"),
    rateLimitPolicy: parsePolicyFigures(vars.RATE_LIMIT_POLICY),
    searchStatementTimeoutMs: positiveInteger(vars.SEARCH_STATEMENT_TIMEOUT_MS, 2_000),
    liveSockets: {
      perAddress: positiveInteger(vars.LIVE_SOCKETS_PER_ADDRESS, 20),
      perPoll: positiveInteger(vars.LIVE_SOCKETS_PER_POLL, 10_000),
      idleSeconds: positiveInteger(vars.LIVE_IDLE_SECONDS, 120),
    },
    statementTimeoutMs: positiveInteger(vars.DATABASE_STATEMENT_TIMEOUT_MS, 5_000),
    accessTokenTtlSeconds: positiveInteger(vars.ACCESS_TOKEN_TTL_SECONDS, 15 * 60),
    refreshTokenTtlSeconds: positiveInteger(vars.REFRESH_TOKEN_TTL_SECONDS, 30 * 24 * 3600),
    statsAccess: oneOf(
      vars.STATS_ACCESS,
      ["public", "admin"],
      environment === "production" ? "admin" : "public",
    ),
    triggerErrorAccess: oneOf(
      vars.TRIGGER_ERROR_ACCESS,
      ["public", "admin", "off"],
      environment === "production" ? "off" : environment === "staging" ? "admin" : "public",
    ),
    statsShards: Math.min(64, positiveInteger(vars.STATS_SHARDS, 1)),
    statsFlushMs: vars.STATS_FLUSH_MS === "0" ? 0 : positiveInteger(vars.STATS_FLUSH_MS, 1000),
    appVersion: typeof vars.APP_VERSION === "string" && vars.APP_VERSION ? vars.APP_VERSION : API_VERSION,
    gitCommit: typeof vars.GIT_COMMIT === "string" && vars.GIT_COMMIT ? vars.GIT_COMMIT : null,
    databaseUrl: typeof vars.DATABASE_URL === "string" && vars.DATABASE_URL ? vars.DATABASE_URL : undefined,
    neonWsProxy:
      typeof vars.NEON_WS_PROXY === "string" && vars.NEON_WS_PROXY ? vars.NEON_WS_PROXY : undefined,
    github: parseGithubSettings(vars),
    quotas: {
      notes: positiveInteger(vars.QUOTA_NOTES, 10_000),
      noteBytes: positiveInteger(vars.QUOTA_NOTE_BYTES, 50 * 1024 * 1024),
      polls: positiveInteger(vars.QUOTA_POLLS, 500),
    },
    events: parseEventSettings(vars, deployed),
    signingKeys: parseSigningKeys(vars.JWT_SECRET),
  };
  cache.set(source, config);
  return config;
}
