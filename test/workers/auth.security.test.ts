import { env } from "cloudflare:workers";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from "../../src/auth/passwords.ts";
import type { CreatedApiKey, TokenResponse } from "../../src/routes/auth/auth.schemas.ts";
import { api, apiJson, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, createApiKey, getAs, registerUser } from "../helpers/auth.ts";
import { captureLogs, logEntries } from "../helpers/logs.ts";

const secret = (env as unknown as { JWT_SECRET: string }).JWT_SECRET;
const now = () => Math.floor(Date.now() / 1000);
const claims = (sub: string, overrides: Record<string, unknown> = {}) => ({
  sub,
  role: "user",
  iss: "devhub-api",
  aud: "devhub-api",
  iat: now(),
  exp: now() + 600,
  ...overrides,
});
const b64 = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");

async function expectRejected(token: string, detail = /invalid/) {
  const response = await getAs("/me", token);
  const problem = await expectProblem(response, 401, "unauthorized");
  expect(problem.detail).toMatch(detail);
  expect(response.headers.get("www-authenticate")).toBe('Bearer realm="devhub-api", error="invalid_token"');
}

describe("JWT validation", () => {
  it("accepts a correctly signed token (control case)", async () => {
    const user = await registerUser();
    const token = await sign(claims(user.tokens.user.id), secret, "HS256");
    expect((await getAs("/me", token)).status).toBe(200);
  });

  it("rejects an expired token", async () => {
    const user = await registerUser();
    const token = await sign(
      claims(user.tokens.user.id, { iat: now() - 1000, exp: now() - 10 }),
      secret,
      "HS256",
    );
    await expectRejected(token, /expired/);
  });

  it("rejects a token signed with another secret", async () => {
    const user = await registerUser();
    await expectRejected(
      await sign(claims(user.tokens.user.id), "another-secret-another-secret-1234", "HS256"),
    );
  });

  it("rejects alg: none", async () => {
    const user = await registerUser();
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims(user.tokens.user.id))}.`;
    await expectRejected(unsigned);
  });

  it("rejects a token for another audience or issuer", async () => {
    const user = await registerUser();
    await expectRejected(await sign(claims(user.tokens.user.id, { aud: "other-api" }), secret, "HS256"));
    await expectRejected(await sign(claims(user.tokens.user.id, { iss: "evil" }), secret, "HS256"));
  });

  it("rejects a token whose payload was altered (role escalation)", async () => {
    const user = await registerUser();
    const [header, , signature] = user.tokens.access_token.split(".");
    const forged = `${header}.${b64(claims(user.tokens.user.id, { role: "admin" }))}.${signature}`;
    await expectRejected(forged);
  });

  it("rejects malformed tokens and headers without a 500", async () => {
    for (const header of [
      "Bearer",
      "Bearer a.b",
      "Bearer ...",
      "Basic dXNlcjpwYXNz",
      "Bearer ∂∂∂",
      `Bearer ${"x".repeat(5000)}`,
    ]) {
      const response = await api("/me", { headers: { Authorization: header } });
      await expectProblem(response, 401, "unauthorized");
    }
  });

  it("answers a missing Authorization header with 401 and a challenge", async () => {
    const response = await api("/me");
    await expectProblem(response, 401, "unauthorized");
    expect(response.headers.get("www-authenticate")).toBe('Bearer realm="devhub-api"');
  });
});

describe("API keys and roles", () => {
  it("rejects unknown and tampered API keys", async () => {
    await expectRejected(`dh_${"A".repeat(43)}`, /API key/);
    await expectRejected("dh_short", /API key/);
  });

  it("refuses to mint API keys with an API key", async () => {
    const user = await registerUser();
    const { key } = await createApiKey(user, "k");
    const response = await apiJson(
      "/auth/api-keys",
      "POST",
      { name: "k2", scopes: ["notes:read"] },
      bearer(key),
    );
    await expectProblem(response, 403, "forbidden");
  });

  it("keeps admin routes from ordinary users (403) and anonymous callers (401)", async () => {
    const user = await registerUser();
    await expectProblem(await getAs("/admin/users", user.tokens.access_token), 403, "forbidden");
    await expectProblem(await api("/admin/users"), 401, "unauthorized");
  });

  it("does not let one user revoke another's key", async () => {
    const owner = await registerUser();
    const other = await registerUser();
    const { id, key } = await createApiKey(owner, "mine");
    const response = await api(`/auth/api-keys/${id}`, {
      method: "DELETE",
      headers: bearer(other.tokens.access_token),
    });
    await expectProblem(response, 404, "not-found");
    expect((await getAs("/me", key)).status).toBe(200);
  });
});

describe("refresh token reuse", () => {
  it("revokes the whole family when a spent token is presented again", async () => {
    const user = await registerUser();
    const stolen = user.tokens.refresh_token;
    const legit = (await (
      await apiJson("/auth/refresh", "POST", { refresh_token: stolen })
    ).json()) as TokenResponse;
    const replay = await apiJson("/auth/refresh", "POST", { refresh_token: stolen });
    const problem = await expectProblem(replay, 401, "unauthorized");
    expect(problem.detail).toContain("revoked");
    // The legitimate holder's newer token died with the family.
    expect((await apiJson("/auth/refresh", "POST", { refresh_token: legit.refresh_token })).status).toBe(401);
  });

  it("lets exactly one of two concurrent refreshes win", async () => {
    const user = await registerUser();
    const results = await Promise.all(
      [0, 1].map(() => apiJson("/auth/refresh", "POST", { refresh_token: user.tokens.refresh_token })),
    );
    expect(results.map((response) => response.status).sort()).toEqual([200, 401]);
  });
});

describe("secrets stay out of logs", () => {
  it("never logs passwords, tokens or keys on the security channel", async () => {
    const lines = captureLogs();
    const verbose = apiWithEnv({ LOG_LEVEL: "debug" });
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      verbose(path, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(body),
      });
    const email = `logs-${crypto.randomUUID()}@devhub.test`;
    const password = "log-Test-password-77";
    const registered = await post("/auth/register", { email, password, display_name: "Logs" });
    const tokens = (await registered.json()) as TokenResponse;
    await post("/auth/login", { email, password: "wrong-Password-1" });
    const created = await post(
      "/auth/api-keys",
      { name: "k", scopes: ["notes:read"] },
      bearer(tokens.access_token),
    );
    const { key } = (await created.json()) as CreatedApiKey;
    await verbose("/me", { headers: bearer(key) });
    await post("/auth/refresh", { refresh_token: tokens.refresh_token });
    await post("/auth/refresh", { refresh_token: tokens.refresh_token });
    const user = { password, tokens };
    const security = logEntries(lines, "security");
    const messages = security.map((entry) => entry.msg);
    expect(messages).toEqual(
      expect.arrayContaining([
        "user.registered",
        "login.failed",
        "api_key.created",
        "refresh_token.reuse_detected",
      ]),
    );
    const all = lines.join("\n");
    for (const secretValue of [
      user.password,
      "wrong-Password-1",
      key,
      user.tokens.refresh_token,
      user.tokens.access_token,
    ]) {
      expect(all).not.toContain(secretValue);
    }
  });
});

describe("password hashing", () => {
  it("hashes at production's PBKDF2 ceiling of 100,000 iterations with a per-user salt", async () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    const [a, b] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(a.split("$").slice(0, 2)).toEqual(["pbkdf2-sha256", "100000"]);
    expect(a).not.toBe(b);
    expect(await verifyPassword("same password", a)).toBe(true);
    expect(await verifyPassword("same passwore", a)).toBe(false);
  });

  it("refuses stored hashes above the ceiling (local workerd would compute them; production throws)", async () => {
    const stored = await hashPassword("pw-for-cap-test");
    const inflated = stored.replace("$100000$", "$100001$");
    expect(await verifyPassword("pw-for-cap-test", inflated)).toBe(false);
  });
});
