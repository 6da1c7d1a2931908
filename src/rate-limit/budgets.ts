import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/problem.ts";

/**
 * Request budgets enforced through the Workers Rate Limiting binding (`[[ratelimits]]` in
 * wrangler.toml). The binding only answers allowed / not allowed, so the figures a client
 * is told about (RateLimit-Policy) live here as well; `test/node/rate-limit-budgets.test.ts`
 * keeps them equal to wrangler.toml. `RATE_LIMIT_BUDGETS` overrides them where the bindings
 * are configured differently (the test suite), e.g. `client=100000/60`.
 */
export const BUDGETS = {
  /** Every request, per client address. */
  client: { binding: "RL_CLIENT", limit: 600, period: 60 },
  /** Every authenticated request, per account (whatever address it comes from). */
  account: { binding: "RL_ACCOUNT", limit: 600, period: 60 },
  /** Note searches (`GET /notes?q=`), per account. */
  search: { binding: "RL_SEARCH", limit: 30, period: 60 },
  /** Upstream GitHub calls caused by cache misses and revalidations, per client address. */
  github: { binding: "RL_GITHUB", limit: 30, period: 60 },
  /** CSV exports, per account. */
  export: { binding: "RL_EXPORT", limit: 10, period: 60 },
  /** Votes, per client address. */
  vote: { binding: "RL_VOTE", limit: 30, period: 60 },
} as const satisfies Record<string, { binding: keyof Env; limit: number; period: 10 | 60 }>;

export type BudgetName = keyof typeof BUDGETS;
export type BudgetTable = Record<BudgetName, { limit: number; period: number }>;

/** Parses `RATE_LIMIT_BUDGETS` over the defaults; malformed entries are ignored. */
export function parseBudgets(value: unknown): BudgetTable {
  const table = Object.fromEntries(
    Object.entries(BUDGETS).map(([name, { limit, period }]) => [name, { limit, period }]),
  ) as BudgetTable;
  for (const entry of String(value ?? "").split(",")) {
    const match = /^\s*(\w+)\s*=\s*(\d+)\s*\/\s*(10|60)\s*$/.exec(entry);
    if (!match?.[1] || !(match[1] in table) || Number(match[2]) < 1) continue;
    table[match[1] as BudgetName] = { limit: Number(match[2]), period: Number(match[3]) };
  }
  return table;
}

/** One budget that applied to this request, as the RateLimit headers report it. */
export interface AppliedBudget {
  name: string;
  limit: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

const applied = new WeakMap<object, AppliedBudget[]>();

export function recordApplied(c: Context<AppEnv>, budget: AppliedBudget): void {
  const list = applied.get(c) ?? [];
  applied.set(c, [...list.filter((item) => item.name !== budget.name), budget]);
}

export function appliedBudgets(c: Context<AppEnv>): AppliedBudget[] {
  return applied.get(c) ?? [];
}

/**
 * The binding counts in windows aligned to the clock and does not report what is left, so
 * `remaining` is this isolate's own count of the window (exact with one isolate, an upper
 * bound otherwise). The map is dropped whenever it grows large: counts only inform headers.
 */
const localCounts = new Map<string, number>();
function countLocally(key: string): number {
  if (localCounts.size > 10_000) localCounts.clear();
  const count = (localCounts.get(key) ?? 0) + 1;
  localCounts.set(key, count);
  return count;
}

/**
 * Spends one unit of `name` for `subject` (an address or an account id) and throws a 429
 * with `Retry-After` when the budget is spent. A limiter failure lets the request through
 * (and is logged): an outage of the limiter must not take the API down with it.
 */
export async function spendBudget(c: Context<AppEnv>, name: BudgetName, subject: string): Promise<void> {
  const { limit, period } = c.get("config").rateLimitBudgets[name];
  const now = Date.now() / 1000;
  const epoch = Math.floor(now / period);
  const resetSeconds = Math.max(1, Math.ceil((epoch + 1) * period - now));
  let success = true;
  try {
    const binding = c.env[BUDGETS[name].binding] as RateLimit | undefined;
    if (binding) ({ success } = await binding.limit({ key: `${name}:${subject}` }));
  } catch (error) {
    c.get("log")?.error("error", "rate_limiter.unavailable", { budget: name, error });
  }
  const used = countLocally(`${name}:${subject}:${epoch}`);
  const remaining = success ? Math.max(0, limit - used) : 0;
  recordApplied(c, { name, limit, windowSeconds: period, remaining, resetSeconds });
  if (success) return;
  c.get("log")?.warn("security", "rate_limit.exceeded", { rules: [name] });
  throw new ApiError("rate-limited", {
    detail: `Too many requests (${name} budget: ${limit} per ${period} s); retry in ${resetSeconds} s.`,
    headers: { "Retry-After": String(resetSeconds), ...rateLimitHeaders(appliedBudgets(c)) },
  });
}

/** IETF draft-ietf-httpapi-ratelimit-headers: one list member per budget that applied. */
export function rateLimitHeaders(budgets: AppliedBudget[]): Record<string, string> {
  if (budgets.length === 0) return {};
  return {
    "RateLimit-Policy": budgets.map((b) => `"${b.name}";q=${b.limit};w=${b.windowSeconds}`).join(", "),
    RateLimit: budgets.map((b) => `"${b.name}";r=${b.remaining};t=${b.resetSeconds}`).join(", "),
  };
}
