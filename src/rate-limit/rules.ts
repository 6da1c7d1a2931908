/** A limit: at most `limit` requests per `windowSeconds` for one subject. */
export interface RateLimitRule {
  limit: number;
  windowSeconds: number;
}

export const DEFAULT_RATE_LIMITS = {
  register_ip: { limit: 10, windowSeconds: 3600 },
  register_account: { limit: 3, windowSeconds: 3600 },
  login_ip: { limit: 20, windowSeconds: 300 },
  // Failed logins only, per (account, address) and per account: see docs/security.md, "Identity decisions".
  login_failures_pair: { limit: 5, windowSeconds: 300 },
  login_failures_account: { limit: 50, windowSeconds: 3600 },
  refresh_ip: { limit: 60, windowSeconds: 60 },
  refresh_account: { limit: 30, windowSeconds: 60 },
} satisfies Record<string, RateLimitRule>;

export type RateLimitName = keyof typeof DEFAULT_RATE_LIMITS;
export type RateLimitTable = Record<RateLimitName, RateLimitRule>;

/**
 * Parses `RATE_LIMITS`, e.g. `login_ip=5/60,register_ip=100/3600`, over the defaults.
 * Malformed entries are ignored: a typo must not switch a limit off.
 */
export function parseRateLimits(value: unknown): RateLimitTable {
  const table: RateLimitTable = { ...DEFAULT_RATE_LIMITS };
  for (const entry of String(value ?? "").split(",")) {
    const match = /^\s*(\w+)\s*=\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(entry);
    if (!match) continue;
    const [, name, limit, window] = match;
    if (!name || !(name in table) || Number(limit) < 1 || Number(window) < 1) continue;
    table[name as RateLimitName] = { limit: Number(limit), windowSeconds: Number(window) };
  }
  return table;
}
