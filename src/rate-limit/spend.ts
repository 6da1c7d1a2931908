import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { sha256 } from "../lib/crypto.ts";
import { ApiError } from "../lib/problem.ts";
import { type PolicyEntry, type PolicyName, RATE_LIMIT_POLICY } from "./policy.ts";
import type { RateLimitDecision } from "./rate-limiter-object.ts";

/**
 * How a policy entry (policy.ts) is spent, whatever its store. Only the route declaration
 * (src/middleware/limits.ts) and the global middleware call these: a handler never does.
 * A limiter failure lets the request through (and is logged): an outage of the limiter must
 * not take the API down or lock users out.
 */

/** One budget that applied to this request, as the RateLimit headers report it. */
interface AppliedBudget {
  name: string;
  limit: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

const applied = new WeakMap<object, AppliedBudget[]>();

function recordApplied(c: Context<AppEnv>, budget: AppliedBudget): void {
  const list = applied.get(c) ?? [];
  applied.set(c, [...list.filter((item) => item.name !== budget.name), budget]);
}

/** IETF draft-ietf-httpapi-ratelimit-headers: one list member per budget that applied. */
export function rateLimitHeaders(c: Context<AppEnv>): Record<string, string> {
  const budgets = applied.get(c) ?? [];
  if (budgets.length === 0) return {};
  return {
    "RateLimit-Policy": budgets.map((b) => `"${b.name}";q=${b.limit};w=${b.windowSeconds}`).join(", "),
    RateLimit: budgets.map((b) => `"${b.name}";r=${b.remaining};t=${b.resetSeconds}`).join(", "),
  };
}

/**
 * The Durable Object that counts `name` for `subject`. The figures are part of the name, so a
 * retuned entry starts from fresh buckets; the subject is hashed, so raw addresses and emails
 * never become object names.
 */
export async function limiterObjectName(
  name: PolicyName,
  figures: { limit: number; windowSeconds: number },
  subject: string,
): Promise<string> {
  return `${name}:${figures.limit}/${figures.windowSeconds}:${await sha256(subject)}`;
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

async function fromBinding(
  c: Context<AppEnv>,
  name: PolicyName,
  subject: string,
): Promise<RateLimitDecision> {
  const { limit, windowSeconds } = c.get("config").rateLimitPolicy[name];
  const now = Date.now() / 1000;
  const epoch = Math.floor(now / windowSeconds);
  const resetSeconds = Math.max(1, Math.ceil((epoch + 1) * windowSeconds - now));
  let success = true;
  try {
    const entry: PolicyEntry = RATE_LIMIT_POLICY[name];
    const binding = entry.binding && (c.env[entry.binding as keyof Env] as RateLimit | undefined);
    if (binding) ({ success } = await binding.limit({ key: `${name}:${subject}` }));
  } catch (error) {
    c.get("log").error("error", "rate_limiter.unavailable", { rule: name, error });
  }
  const used = countLocally(`${name}:${subject}:${epoch}`);
  const remaining = success ? Math.max(0, limit - used) : 0;
  recordApplied(c, { name, limit, windowSeconds, remaining, resetSeconds });
  return { allowed: success, remaining, retryAfterSeconds: success ? 0 : resetSeconds };
}

async function fromBucket(
  c: Context<AppEnv>,
  name: PolicyName,
  subject: string,
  mode: "consume" | "peek",
): Promise<RateLimitDecision> {
  const { limit, windowSeconds } = c.get("config").rateLimitPolicy[name];
  try {
    const stub = c.env.RATE_LIMITER.getByName(
      await limiterObjectName(name, c.get("config").rateLimitPolicy[name], subject),
    );
    const decision = await (mode === "peek"
      ? stub.peek(limit, windowSeconds)
      : stub.consume(limit, windowSeconds));
    // A peek spends nothing, so it is reported only when it refuses.
    if (mode === "consume" || !decision.allowed) {
      const refillSeconds = ((limit - decision.remaining) * windowSeconds) / limit;
      const resetSeconds = decision.allowed ? Math.ceil(refillSeconds) : decision.retryAfterSeconds;
      recordApplied(c, { name, limit, windowSeconds, remaining: decision.remaining, resetSeconds });
    }
    return decision;
  } catch (error) {
    c.get("log").error("error", "rate_limiter.unavailable", { rule: name, error });
    return { allowed: true, remaining: limit, retryAfterSeconds: 0 };
  }
}

export type Charge = readonly [name: PolicyName, subject: string];

/**
 * Spends one unit of each (entry, subject), all at once, and throws when any is empty: a 429
 * `rate-limited` for a client's own budget, a 503 `dependency-unavailable` for a budget the
 * whole service shares (the client did nothing wrong; the dependency is rationed). `peek`
 * checks without spending (failure-charged entries, spent only after a failure).
 */
export async function spend(c: Context<AppEnv>, charges: Charge[], mode: "consume" | "peek" = "consume") {
  if (charges.length === 0) return;
  const decisions = await Promise.all(
    charges.map(async ([name, subject]) => {
      const store = RATE_LIMIT_POLICY[name].store;
      const decision =
        store === "binding" ? await fromBinding(c, name, subject) : await fromBucket(c, name, subject, mode);
      return { name, ...decision };
    }),
  );
  const denied = decisions.filter((decision) => !decision.allowed);
  if (denied.length === 0) return;
  const retryAfter = Math.max(...denied.map((decision) => decision.retryAfterSeconds));
  const names = denied.map((decision) => decision.name);
  c.get("log").warn("security", "rate_limit.exceeded", { rules: names });
  const headers = { "Retry-After": String(retryAfter), ...rateLimitHeaders(c) };
  const shared = names.find((name) => RATE_LIMIT_POLICY[name].per === "service");
  if (shared) {
    throw new ApiError("dependency-unavailable", {
      detail: `The service's shared ${shared} budget is spent for now; retry in ${retryAfter} s.`,
      headers,
      extensions: { dependency: shared },
    });
  }
  const figures = names.map((name) => {
    const { limit, windowSeconds } = c.get("config").rateLimitPolicy[name];
    return `${name} budget: ${limit} per ${windowSeconds} s`;
  });
  throw new ApiError("rate-limited", {
    detail: `Too many requests (${figures.join("; ")}); retry in ${retryAfter} s.`,
    headers,
  });
}

/**
 * Takes one of `name`'s slots for `subject` for the duration of `work`, or throws a 429 when
 * all are taken. The lease outlives a crashed isolate by at most `leaseMs`.
 */
export async function withSlot<T>(
  c: Context<AppEnv>,
  name: PolicyName,
  subject: string,
  leaseMs: number,
  work: () => Promise<T>,
): Promise<T> {
  const max = c.get("config").rateLimitPolicy[name].limit;
  const slots = c.env.RATE_LIMITER.getByName(
    await limiterObjectName(name, c.get("config").rateLimitPolicy[name], subject),
  );
  const lease = await slots.acquireSlot(max, leaseMs).catch((error: unknown) => {
    c.get("log").error("error", "rate_limiter.unavailable", { rule: name, error });
    return "unguarded";
  });
  if (lease === null) {
    c.get("log").warn("security", "rate_limit.exceeded", { rules: [name] });
    throw new ApiError("rate-limited", {
      detail: `At most ${max} of these requests (${name}) run at once; retry when one has finished.`,
      headers: { "Retry-After": "1" },
    });
  }
  try {
    return await work();
  } finally {
    // Awaited, so the caller's next request never finds its own finished one still counted.
    if (lease !== "unguarded") await slots.releaseSlot(lease).catch(() => undefined);
  }
}
