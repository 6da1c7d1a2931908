/**
 * Every rate limit the API enforces, in one table: routes name an entry (`limits: ["vote"]`,
 * src/middleware/limits.ts) and nothing else knows a figure. Three stores keep the counts:
 *
 * - `binding`: the Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml, which the
 *   platform reads, so the figures are written there too; `test/node/rate-limit-budgets.test.ts`
 *   keeps the two equal). Cheap and approximate (counted per Cloudflare location, windows of 10
 *   or 60 s aligned to the clock): for the high-volume budgets.
 * - `bucket`: a token bucket in a RateLimiterObject (one Durable Object per entry and subject),
 *   exact across every isolate and location: where counting must be exact (accounts) or the
 *   subject is the whole service.
 * - `slots`: a counting semaphore in a RateLimiterObject: at most `limit` at once.
 *
 * `per` says whose budget it is; `charged` when a unit is spent. One variable overrides any
 * figure, for tests and tuning: `RATE_LIMIT_POLICY="vote=100/60,login_ip=5/300"`.
 */
// biome-ignore format: one line per entry, so the table reads as a table
export const RATE_LIMIT_POLICY = {
  /** Every metered request, per client address (src/rate-limit/unmetered.ts lists the rest). */
  client: { store: "binding", binding: "RL_CLIENT", namespaceId: "1201", limit: 600, windowSeconds: 60, per: "address", charged: "request" },
  /** Every authenticated request, per account, whatever address it comes from. */
  account: { store: "binding", binding: "RL_ACCOUNT", namespaceId: "1202", limit: 600, windowSeconds: 60, per: "account", charged: "request" },
  /** Note searches (`GET /notes?q=`), per account. */
  search: { store: "binding", binding: "RL_SEARCH", namespaceId: "1203", limit: 30, windowSeconds: 60, per: "account", charged: "request" },
  /** Upstream GitHub calls a client causes (cache misses, revalidations), per address. */
  github: { store: "binding", binding: "RL_GITHUB", namespaceId: "1204", limit: 30, windowSeconds: 60, per: "address", charged: "upstream" },
  /** CSV exports, per account (per address when anonymous). */
  export: { store: "binding", binding: "RL_EXPORT", namespaceId: "1205", limit: 10, windowSeconds: 60, per: "account or address", charged: "request" },
  /** Votes, per address. */
  vote: { store: "binding", binding: "RL_VOTE", namespaceId: "1206", limit: 30, windowSeconds: 60, per: "address", charged: "request" },
  /** Poll invitations issued, per account (a poll holds at most 1,000 besides). */
  invite: { store: "bucket", limit: 300, windowSeconds: 3600, per: "account", charged: "request" },
  /**
   * Upstream GitHub calls of everybody together: the token's 5,000 an hour is one quota for
   * the whole service, and per-address budgets do not bound it (addresses are cheap; an IPv6
   * /48 holds 65,536 /64s). 75 a minute with a burst of 75 spends at most 75 + 4,500 in any
   * hour, so the token never runs dry and a little is left for revalidations. Empty: 503.
   */
  github_upstream: { store: "bucket", limit: 75, windowSeconds: 60, per: "service", charged: "upstream" },
  /** Webhook test pings, per account: each one is an outbound request made on the caller's behalf. */
  webhook_ping: { store: "bucket", limit: 10, windowSeconds: 60, per: "account", charged: "request" },
  /** Registration attempts, per address. */
  register_ip: { store: "bucket", limit: 10, windowSeconds: 3600, per: "address", charged: "request" },
  /** Registration attempts, per email (a taken email is not probed faster from many addresses). */
  register_account: { store: "bucket", limit: 3, windowSeconds: 3600, per: "email", charged: "request" },
  /**
   * Every registration, from anywhere: a taken address answers 409, so this caps how many
   * addresses the whole internet can test per hour (docs/accounts.md).
   */
  register_global: { store: "bucket", limit: 100, windowSeconds: 3600, per: "service", charged: "request" },
  /** Login attempts, per address. */
  login_ip: { store: "bucket", limit: 20, windowSeconds: 300, per: "address", charged: "request" },
  /** Failed logins per (email, address): one address guessing one account. See docs/security.md "Identity decisions". */
  login_failures_pair: { store: "bucket", limit: 5, windowSeconds: 300, per: "email and address", charged: "failure" },
  /** Failed logins per email from all addresses: a distributed guesser, without locking the owner out fast. */
  login_failures_account: { store: "bucket", limit: 50, windowSeconds: 3600, per: "email", charged: "failure" },
  /** Refreshes, per address. */
  refresh_ip: { store: "bucket", limit: 60, windowSeconds: 60, per: "address", charged: "request" },
  /** Refreshes, per account the refresh token belongs to. */
  refresh_account: { store: "bucket", limit: 30, windowSeconds: 60, per: "refresh token's account", charged: "request" },
  /**
   * Reads of shared notes (`GET /s/{token}`), per address: the token is the credential, so this
   * bounds guessing (hopeless at 256 bits) and scraping. A bucket, so no new binding is needed.
   */
  share_read: { store: "bucket", limit: 60, windowSeconds: 60, per: "address", charged: "request" },
  /** Notes exports (`GET /notes/export`), per account: each reads every note of the account. */
  note_export: { store: "bucket", limit: 10, windowSeconds: 60, per: "account", charged: "request" },
  /** Note imports (`POST /notes/import`), per account: each writes up to 1,000 notes. */
  note_import: { store: "bucket", limit: 20, windowSeconds: 3600, per: "account", charged: "request" },
  /**
   * Searches of one account running at once; each lease lasts the search's statement budget
   * plus 5 s, so a crashed isolate cannot keep a slot. `windowSeconds` is not used.
   */
  search_slots: { store: "slots", limit: 2, windowSeconds: 0, per: "account", charged: "concurrently" },
} as const satisfies Record<string, PolicyEntry>;

/** Who a budget belongs to: the first four are read from the request; a route supplies the others. */
export type Subject = "address" | "account" | "account or address" | "service" | (string & {});
/** `failure`: checked before, spent only when the request fails authentication (401). */
export type Charged = "request" | "failure" | "upstream" | "concurrently";

export interface PolicyEntry {
  store: "binding" | "bucket" | "slots";
  /** The Rate Limiting binding (`store: "binding"`) and its namespace in wrangler.toml. */
  binding?: `RL_${string}`;
  namespaceId?: string;
  limit: number;
  windowSeconds: number;
  per: Subject;
  charged: Charged;
}

export type PolicyName = keyof typeof RATE_LIMIT_POLICY;
/** The figures in force: the table with `RATE_LIMIT_POLICY` applied. */
export type PolicyFigures = Record<PolicyName, { limit: number; windowSeconds: number }>;

export const POLICY_NAMES = Object.keys(RATE_LIMIT_POLICY) as PolicyName[];

export const isPolicyName = (name: string): name is PolicyName => name in RATE_LIMIT_POLICY;

/** The binding only counts in windows of 10 or 60 s. */
const BINDING_WINDOWS = new Set([10, 60]);

/**
 * Parses `RATE_LIMIT_POLICY` (`name=limit/window` or `name=limit`, comma-separated) over the
 * table. Malformed or unknown entries are ignored, so a typo never switches a limit off.
 */
export function parsePolicyFigures(value: unknown): PolicyFigures {
  const figures = Object.fromEntries(
    POLICY_NAMES.map((name) => {
      const { limit, windowSeconds } = RATE_LIMIT_POLICY[name];
      return [name, { limit, windowSeconds }];
    }),
  ) as PolicyFigures;
  for (const item of String(value ?? "").split(",")) {
    const match = /^\s*(\w+)\s*=\s*(\d+)\s*(?:\/\s*(\d+)\s*)?$/.exec(item);
    if (!match?.[1] || !isPolicyName(match[1])) continue;
    const name = match[1];
    const limit = Number(match[2]);
    const windowSeconds = match[3] === undefined ? figures[name].windowSeconds : Number(match[3]);
    if (limit < 1 || (RATE_LIMIT_POLICY[name].store !== "slots" && windowSeconds < 1)) continue;
    if (RATE_LIMIT_POLICY[name].store === "binding" && !BINDING_WINDOWS.has(windowSeconds)) continue;
    figures[name] = { limit, windowSeconds };
  }
  return figures;
}

/** The binding budgets, as wrangler.toml's `[[ratelimits]]` must declare them. */
export function bindingBudgets() {
  return POLICY_NAMES.flatMap((name) => {
    const entry: PolicyEntry = RATE_LIMIT_POLICY[name];
    return entry.store === "binding" && entry.binding && entry.namespaceId
      ? [
          {
            name,
            binding: entry.binding,
            namespaceId: entry.namespaceId,
            limit: entry.limit,
            period: entry.windowSeconds,
          },
        ]
      : [];
  });
}

/**
 * A `RATE_LIMIT_POLICY` value that raises the binding budgets and the service-wide buckets to
 * `limit` (windows kept): what a test or bench run needs when one machine acts as thousands of
 * clients. Per-account and per-address buckets keep their figures (tests assert them).
 */
export function roomyPolicy(limit: number): string {
  return POLICY_NAMES.filter((name) => {
    const entry: PolicyEntry = RATE_LIMIT_POLICY[name];
    return entry.store === "binding" || entry.per === "service";
  })
    .map((name) => `${name}=${limit}/${RATE_LIMIT_POLICY[name].windowSeconds}`)
    .join(",");
}
