/**
 * The subjects of the auth routes' own rate limits (declared in auth.routes.ts), read from the
 * request before validation runs: route middleware runs first, so 429 comes before 422 and a
 * flood of malformed attempts is charged too. The email is normalised exactly as validation
 * will (EmailSchema), so changing its case or spacing does not buy a fresh budget.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { sha256 } from "../../lib/crypto.ts";
import { keyedBy } from "../../middleware/limits.ts";
import { EmailSchema } from "./auth.schemas.ts";
import { refreshTokenOwner } from "./auth.sessions.service.ts";

/** The JSON body's string field `name`, or undefined (not JSON, malformed, absent: validation answers). */
async function bodyField(c: Context<AppEnv>, name: string): Promise<string | undefined> {
  if (!/^application\/json\b/i.test(c.req.header("Content-Type") ?? "")) return undefined;
  const body: unknown = await c.req.json().catch(() => undefined);
  const value =
    typeof body === "object" && body !== null ? (body as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : undefined;
}

async function email(c: Context<AppEnv>): Promise<string | undefined> {
  const parsed = EmailSchema.safeParse(await bodyField(c, "email"));
  return parsed.success ? parsed.data : undefined;
}

async function emailAndAddress(c: Context<AppEnv>): Promise<string | undefined> {
  const address = await email(c);
  return address === undefined ? undefined : `${address}\n${c.var.client.key}`;
}

/** Both refresh limits are checked before the token is spent: a 429 leaves it valid for the retry. */
async function refreshTokenAccount(c: Context<AppEnv>): Promise<string | undefined> {
  const token = await bodyField(c, "refresh_token");
  return token === undefined ? undefined : refreshTokenOwner(c.var.db, await sha256(token));
}

export const registerLimits = [
  "register_ip" as const,
  keyedBy("register_account", email),
  "register_global" as const,
];
/**
 * Every attempt costs the address; only failures cost the account (checked first, spent on a
 * 401), so guessing from other addresses cannot lock the owner out with a handful of requests.
 */
export const loginLimits = [
  "login_ip" as const,
  keyedBy("login_failures_pair", emailAndAddress),
  keyedBy("login_failures_account", email),
];
export const refreshLimits = ["refresh_ip" as const, keyedBy("refresh_account", refreshTokenAccount)];
