import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { sign } from "hono/jwt";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../src/lib/crypto.ts";
import type { TokenResponse } from "../../src/routes/auth/auth.schemas.ts";
import { api, apiJson, apiWithEnv, expectProblem } from "../helpers/api.ts";
import {
  adminTokens,
  bearer,
  createApiKey,
  GOOD_PASSWORD,
  getAs,
  login,
  newAdmin,
  randomIp,
  registerUser,
} from "../helpers/auth.ts";
import { runSql } from "../helpers/db.ts";
import { ownerWithPoll, twoQuestions } from "../helpers/polls.ts";

const secret = (env as unknown as { JWT_SECRET: string }).JWT_SECRET;
const post = (path: string, token: string) => api(path, { method: "POST", headers: bearer(token) });

/** A second administrator, made as an operator makes one. */
const extraAdmin = async (): Promise<TokenResponse> => (await newAdmin()).tokens;

describe("admin power follows the account, not the token", () => {
  it("a disabled admin's old token can neither re-enable itself nor disable the admin who disabled it", async () => {
    const a = await extraAdmin();
    const d = await extraAdmin();
    expect((await post(`/admin/users/${d.user.id}/disable`, a.access_token)).status).toBe(200);

    await expectProblem(await post(`/admin/users/${d.user.id}/enable`, d.access_token), 401, "unauthorized");
    await expectProblem(await post(`/admin/users/${a.user.id}/disable`, d.access_token), 401, "unauthorized");
    expect((await login(a.user.email, GOOD_PASSWORD)).status).toBe(200);
  });

  it("a demoted admin loses admin routes at once", async () => {
    const admin = await extraAdmin();
    await runSql(sql`UPDATE users SET role = 'user' WHERE id = ${admin.user.id}`);
    await expectProblem(await getAs("/admin/users", admin.access_token), 403, "forbidden");
  });

  it("a disabled admin's old token loses every admin power, not only the admin routes", async () => {
    const root = await adminTokens();
    const d = await extraAdmin();
    const { owner, poll } = await ownerWithPoll(twoQuestions({ results_visibility: "after_close" }));
    expect((await post(`/admin/users/${d.user.id}/disable`, root.access_token)).status).toBe(200);

    await expectProblem(await getAs(`/polls/${poll.id}/results`, d.access_token), 401, "unauthorized");
    const deleted = await api(`/polls/${poll.id}`, { method: "DELETE", headers: bearer(d.access_token) });
    await expectProblem(deleted, 401, "unauthorized");
    expect((await getAs(`/polls/${poll.id}`, owner.tokens.access_token)).status).toBe(200);
  });

  it("a demoted admin's old token is treated as a user's", async () => {
    const admin = await extraAdmin();
    const { poll } = await ownerWithPoll(twoQuestions({ results_visibility: "after_close" }));
    expect((await getAs(`/polls/${poll.id}/results`, admin.access_token)).status).toBe(200);
    await runSql(sql`UPDATE users SET role = 'user' WHERE id = ${admin.user.id}`);
    await expectProblem(await getAs(`/polls/${poll.id}/results`, admin.access_token), 403, "results-hidden");
    const deleted = await api(`/polls/${poll.id}`, { method: "DELETE", headers: bearer(admin.access_token) });
    expect(deleted.status).toBe(403);
  });

  it("an admin cannot disable itself", async () => {
    const admin = await extraAdmin();
    await expectProblem(
      await post(`/admin/users/${admin.user.id}/disable`, admin.access_token),
      409,
      "conflict",
    );
    expect((await getAs("/me", admin.access_token)).status).toBe(200);
  });
});

describe("credentials while disabled", () => {
  it("a disabled user's old access token cannot plant an API key that works after re-enabling", async () => {
    const root = await adminTokens();
    const user = await registerUser();
    await post(`/admin/users/${user.tokens.user.id}/disable`, root.access_token);
    const planted = await apiJson(
      "/auth/api-keys",
      "POST",
      { name: "planted", scopes: ["notes:read"] },
      bearer(user.tokens.access_token),
    );
    await expectProblem(planted, 401, "unauthorized");
    await post(`/admin/users/${user.tokens.user.id}/enable`, root.access_token);
    const keys = await runSql<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM api_keys WHERE user_id = ${user.tokens.user.id}`,
    );
    expect(keys[0]?.n).toBe(0);
  });
});

describe("refresh limits never spend the token", () => {
  it("a 429 on the per-account limit leaves the presented refresh token usable", async () => {
    const call = apiWithEnv({ RATE_LIMIT_POLICY: "refresh_account=2/60" });
    const user = await registerUser();
    let token = user.tokens.refresh_token;
    const refresh = () =>
      call("/auth/refresh", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": randomIp() },
        body: JSON.stringify({ refresh_token: token }),
      });
    for (let i = 0; i < 2; i += 1) {
      const response = await refresh();
      expect(response.status).toBe(200);
      token = ((await response.json()) as TokenResponse).refresh_token;
    }
    const limited = await refresh();
    await expectProblem(limited, 429, "rate-limited");
    // The token the client still holds (the one refused) must not have been spent.
    const held = await runSql<{ used: boolean }>(
      sql`SELECT used_at IS NOT NULL AS used FROM refresh_tokens WHERE token_hash = ${await sha256(token)}`,
    );
    expect(held[0]?.used).toBe(false);
    const issued = await runSql<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM refresh_tokens WHERE user_id = ${user.tokens.user.id}`,
    );
    expect(issued[0]?.n).toBe(3);
  });
});

describe("login throttling cannot lock the owner out", () => {
  it("11 wrong passwords from 11 addresses, then the right one from a new address → 200", async () => {
    const user = await registerUser();
    for (let i = 0; i < 11; i += 1) {
      expect((await login(user.email, "wrong-Password-123", randomIp())).status).toBe(401);
    }
    expect((await login(user.email, user.password, randomIp())).status).toBe(200);
  });

  it("one address guessing one account is stopped; the owner elsewhere still logs in", async () => {
    const user = await registerUser();
    const attacker = randomIp();
    const statuses: number[] = [];
    for (let i = 0; i < 7; i += 1)
      statuses.push((await login(user.email, "wrong-Password-123", attacker)).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    const limited = await login(user.email, user.password, attacker);
    await expectProblem(limited, 429, "rate-limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await login(user.email, user.password, randomIp())).status).toBe(200);
  });

  it("failures from many addresses past the account budget slow guessing (429)", async () => {
    const call = apiWithEnv({ RATE_LIMIT_POLICY: "login_failures_account=3/3600" });
    const user = await registerUser();
    const attempt = (password: string) =>
      call("/auth/login", {
        method: "POST",
        headers: { "Content-Type": "application/json", "CF-Connecting-IP": randomIp() },
        body: JSON.stringify({ email: user.email, password }),
      });
    for (let i = 0; i < 3; i += 1) expect((await attempt("wrong-Password-123")).status).toBe(401);
    await expectProblem(await attempt("wrong-Password-123"), 429, "rate-limited");
  });
});

describe("token hygiene", () => {
  const now = () => Math.floor(Date.now() / 1000);
  const base = { role: "user", iss: "devhub-api", aud: "devhub-api", iat: now() };

  it("rejects a JWT without exp", async () => {
    const user = await registerUser();
    const token = await sign({ ...base, sub: user.tokens.user.id }, secret, "HS256");
    await expectProblem(await getAs("/me", token), 401, "unauthorized");
  });

  it("answers 401, not 500, for a non-UUID sub", async () => {
    const token = await sign({ ...base, sub: "not-a-uuid", exp: now() + 600 }, secret, "HS256");
    await expectProblem(await getAs("/notes", token), 401, "unauthorized");
    await expectProblem(await getAs("/me", token), 401, "unauthorized");
  });

  it("token, account and key responses carry Cache-Control: no-store", async () => {
    const user = await registerUser();
    const root = await adminTokens();
    const token = user.tokens.access_token;
    const responses = [
      await login(user.email, user.password),
      await apiJson("/auth/refresh", "POST", { refresh_token: user.tokens.refresh_token }),
      await getAs("/me", token),
      await apiJson("/auth/api-keys", "POST", { name: "k", scopes: ["notes:read"] }, bearer(token)),
      await getAs("/auth/api-keys", token),
      await getAs("/admin/users", root.access_token),
    ];
    for (const response of responses) {
      expect(response.status).toBeLessThan(300);
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
  });

  it("an API key may revoke itself but not a sibling key", async () => {
    const user = await registerUser();
    const first = await createApiKey(user, "first");
    const second = await createApiKey(user, "second");
    const revoke = (id: string, token: string) =>
      api(`/auth/api-keys/${id}`, { method: "DELETE", headers: bearer(token) });
    await expectProblem(await revoke(second.id, first.key), 403, "forbidden");
    expect((await getAs("/notes", second.key)).status).toBe(200);
    expect((await revoke(first.id, first.key)).status).toBe(204);
    await expectProblem(await getAs("/notes", first.key), 401, "unauthorized");
  });

  it("expired keys are not listed as active", async () => {
    const user = await registerUser();
    const created = await createApiKey(user, "soon");
    await runSql(sql`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = ${created.id}`);
    const listed = (await (await getAs("/auth/api-keys", user.tokens.access_token)).json()) as {
      items: Array<{ id: string }>;
    };
    expect(listed.items.map((key) => key.id)).not.toContain(created.id);
  });
});
