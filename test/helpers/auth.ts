import { sql } from "drizzle-orm";
import { API_KEY_SCOPES } from "../../src/auth/scopes.ts";
import type { CreatedApiKey, TokenResponse } from "../../src/routes/auth/auth.schemas.ts";
import { api, apiJson } from "./api.ts";
import { runSql } from "./db.ts";

let counter = 0;

/** A unique email per call: tests isolate by data, never by order or cleanup. */
export function uniqueEmail(label = "user"): string {
  counter += 1;
  return `${label}-${crypto.randomUUID().slice(0, 8)}-${counter}@devhub.test`;
}

/** A random client address, so per-IP rate limits never couple tests. */
export function randomIp(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `198.${octet()}.${octet()}.${octet()}`;
}

/** A random IPv6 /64 (as "2001:db8:x:y"); append an interface id, e.g. `${net}::1`. */
export function randomIpv6Net(): string {
  const hextet = () => Math.floor(Math.random() * 0x10000).toString(16);
  return `2001:db8:${hextet()}:${hextet()}`;
}

export const GOOD_PASSWORD = "tangerine-Otter-42-skyline";

export interface TestUser {
  email: string;
  password: string;
  ip: string;
  tokens: TokenResponse;
}

export async function registerUser(email = uniqueEmail(), password = GOOD_PASSWORD): Promise<TestUser> {
  const ip = randomIp();
  const response = await apiJson(
    "/auth/register",
    "POST",
    { email, password, display_name: "Test User" },
    { "CF-Connecting-IP": ip },
  );
  if (response.status !== 201)
    throw new Error(`register failed: ${response.status} ${await response.text()}`);
  return { email, password, ip, tokens: (await response.json()) as TokenResponse };
}

/**
 * A new API key of `user`, made with its session token; the secret `key` is in the answer.
 * Every scope unless `scopes` narrows it.
 */
export async function createApiKey(
  user: TestUser,
  name: string,
  scopes: readonly string[] = API_KEY_SCOPES,
): Promise<CreatedApiKey> {
  const response = await apiJson(
    "/auth/api-keys",
    "POST",
    { name, scopes },
    bearer(user.tokens.access_token),
  );
  if (response.status !== 201)
    throw new Error(`API key creation failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as CreatedApiKey;
}

export async function login(email: string, password: string, ip = randomIp()): Promise<Response> {
  return apiJson("/auth/login", "POST", { email, password }, { "CF-Connecting-IP": ip });
}

/**
 * A new admin, made the way an operator makes one (`npm run admin:promote` runs this UPDATE;
 * registration never grants the role), logged in again so its tokens carry the role.
 */
export async function newAdmin(): Promise<TestUser> {
  const user = await registerUser(uniqueEmail("admin"));
  await runSql(sql`UPDATE users SET role = 'admin' WHERE id = ${user.tokens.user.id}`);
  return { ...user, tokens: await loginTokens(user.email, user.password) };
}

let adminAccount: Promise<TestUser> | undefined;

/** Fresh tokens of this test file's admin (made once per file by `newAdmin`). */
export async function adminTokens(): Promise<TokenResponse> {
  adminAccount ??= newAdmin();
  const { email, password } = await adminAccount;
  return loginTokens(email, password);
}

async function loginTokens(email: string, password: string): Promise<TokenResponse> {
  const response = await login(email, password);
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as TokenResponse;
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export function getAs(path: string, token: string): Promise<Response> {
  return api(path, { headers: bearer(token) });
}
