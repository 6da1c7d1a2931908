import type { Context } from "hono";
import type { AppEnv } from "../env.ts";
import { sha256 } from "../lib/crypto.ts";
import { ApiError } from "../lib/problem.ts";
import { clientIp } from "../lib/request.ts";
import { clientAddressKey } from "./address.ts";
import { appliedBudgets, rateLimitHeaders, recordApplied } from "./budgets.ts";
import type { RateLimitName } from "./rules.ts";

/**
 * Consumes one request from each (rule, subject) bucket, all in parallel, and throws a
 * 429 with `Retry-After` when any is empty. Subjects are hashed so raw IPs and emails
 * never become Durable Object names. If the limiter itself fails, the request goes
 * through (and the failure is logged): an outage of the limiter must not lock users out.
 */
export async function enforceRateLimits(
  c: Context<AppEnv>,
  checks: Array<[RateLimitName, string]>,
  mode: "consume" | "peek" = "consume",
): Promise<void> {
  const limits = c.var.config.rateLimits;
  const decisions = await Promise.all(
    checks.map(async ([name, subject]) => {
      const rule = limits[name];
      try {
        const stub = c.env.RATE_LIMITER.getByName(`${name}:${await sha256(subject)}`);
        const decision = await (mode === "peek"
          ? stub.peek(rule.limit, rule.windowSeconds)
          : stub.consume(rule.limit, rule.windowSeconds));
        if (mode === "consume") {
          const refillSeconds = ((rule.limit - decision.remaining) * rule.windowSeconds) / rule.limit;
          recordApplied(c, {
            name,
            limit: rule.limit,
            windowSeconds: rule.windowSeconds,
            remaining: decision.remaining,
            resetSeconds: decision.allowed ? Math.ceil(refillSeconds) : decision.retryAfterSeconds,
          });
        }
        return { name, ...decision };
      } catch (error) {
        c.var.log.error("error", "rate_limiter.unavailable", { rule: name, error });
        return { name, allowed: true, remaining: rule.limit, retryAfterSeconds: 0 };
      }
    }),
  );
  const denied = decisions.filter((decision) => !decision.allowed);
  if (denied.length === 0) return;
  const retryAfter = Math.max(...denied.map((decision) => decision.retryAfterSeconds));
  c.var.log.warn("security", "rate_limit.exceeded", { rules: denied.map((decision) => decision.name) });
  throw new ApiError("rate-limited", {
    detail: `Too many requests; retry in ${retryAfter} s.`,
    headers: { "Retry-After": String(retryAfter), ...rateLimitHeaders(appliedBudgets(c)) },
  });
}

/** `clientIp` reduced to the key per-address limits are charged to (IPv6: its /64). */
export function clientKey(c: Context<AppEnv>): string {
  return clientAddressKey(clientIp(c));
}
