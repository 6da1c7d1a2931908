import { describe, expect, it } from "vitest";
import type { CreatedApiKey, TokenResponse, User } from "../../src/routes/auth/auth.schemas.ts";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import {
  adminTokens,
  bearer,
  createApiKey,
  GOOD_PASSWORD,
  getAs,
  login,
  randomIp,
  registerUser,
  uniqueEmail,
} from "../helpers/auth.ts";
import { ownerWithPoll } from "../helpers/polls.ts";

describe("register and login", () => {
  it("registers with a normalised email and returns tokens", async () => {
    const raw = `  ${uniqueEmail("Mixed").toUpperCase()}  `;
    const response = await apiJson("/auth/register", "POST", {
      email: raw,
      password: GOOD_PASSWORD,
      display_name: "  Zoë  ",
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as TokenResponse;
    expect(body.user.email).toBe(raw.trim().toLowerCase());
    expect(body.user.display_name).toBe("Zoë");
    expect(body.user.role).toBe("user");
    expect(body.token_type).toBe("Bearer");
    expect(body.expires_in).toBe(900);
    expect(body.refresh_token).toMatch(/^dhr_[A-Za-z0-9_-]{43}$/);
    expect(body.access_token.split(".")).toHaveLength(3);
    expect(JSON.stringify(body)).not.toContain(GOOD_PASSWORD);
  });

  it("logs in with the same email in another case", async () => {
    const user = await registerUser();
    const response = await login(user.email.toUpperCase(), user.password);
    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenResponse;
    expect(body.user.id).toBe(user.tokens.user.id);
  });

  it("GET /me answers the caller's profile for a JWT", async () => {
    const user = await registerUser();
    const response = await getAs("/me", user.tokens.access_token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ id: user.tokens.user.id, email: user.email, role: "user" });
  });
});

describe("refresh tokens", () => {
  it("rotates: the new pair works and the old refresh token is spent", async () => {
    const user = await registerUser();
    const first = await apiJson("/auth/refresh", "POST", { refresh_token: user.tokens.refresh_token });
    expect(first.status).toBe(200);
    const rotated = (await first.json()) as TokenResponse;
    expect(rotated.refresh_token).not.toBe(user.tokens.refresh_token);
    expect((await getAs("/me", rotated.access_token)).status).toBe(200);
    const second = await apiJson("/auth/refresh", "POST", { refresh_token: rotated.refresh_token });
    expect(second.status).toBe(200);
  });

  it("logout revokes the session's refresh token", async () => {
    const user = await registerUser();
    const out = await apiJson("/auth/logout", "POST", { refresh_token: user.tokens.refresh_token });
    expect(out.status).toBe(204);
    const after = await apiJson("/auth/refresh", "POST", { refresh_token: user.tokens.refresh_token });
    expect(after.status).toBe(401);
  });
});

describe("API keys", () => {
  it("creates a key shown once, lists it without the secret, authenticates with it, tracks last use", async () => {
    const user = await registerUser();
    const created = await apiJson(
      "/auth/api-keys",
      "POST",
      { name: "ci deploy", scopes: ["notes:read"] },
      bearer(user.tokens.access_token),
    );
    expect(created.status).toBe(201);
    const key = (await created.json()) as CreatedApiKey;
    expect(key.key).toMatch(/^dh_[A-Za-z0-9_-]{43}$/);
    expect(key.key.startsWith(key.prefix)).toBe(true);
    expect(created.headers.get("location")).toBe(`/auth/api-keys/${key.id}`);

    const me = await getAs("/me", key.key);
    expect(me.status).toBe(200);
    expect(((await me.json()) as User).id).toBe(user.tokens.user.id);

    const list = await getAs("/auth/api-keys", user.tokens.access_token);
    const { items } = (await list.json()) as { items: Array<Record<string, unknown>> };
    expect(items).toHaveLength(1);
    expect(items[0]?.prefix).toBe(key.prefix);
    expect(items[0]?.last_used_at).not.toBeNull();
    expect(JSON.stringify(items)).not.toContain(key.key);
  });

  it("a new key's Location points at its metadata, which GET answers until the key is revoked", async () => {
    const user = await registerUser();
    const created = await apiJson(
      "/auth/api-keys",
      "POST",
      { name: "ci", scopes: ["notes:read"] },
      bearer(user.tokens.access_token),
    );
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string; key: string; name: string };
    const location = created.headers.get("location");
    expect(location).toBe(`/auth/api-keys/${key.id}`);

    const fetched = await api(location as string, { headers: bearer(user.tokens.access_token) });
    expect(fetched.status).toBe(200);
    const body = (await fetched.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ id: key.id, name: "ci" });
    expect(body).not.toHaveProperty("key");

    const stranger = await registerUser();
    const theirs = await api(location as string, { headers: bearer(stranger.tokens.access_token) });
    await expectProblem(theirs, 404, "not-found");

    const revoked = await api(location as string, {
      method: "DELETE",
      headers: bearer(user.tokens.access_token),
    });
    expect(revoked.status).toBe(204);
    const gone = await api(location as string, { headers: bearer(user.tokens.access_token) });
    await expectProblem(gone, 404, "not-found");
  });

  it("revoking a key stops it at once", async () => {
    const user = await registerUser();
    const created = await apiJson(
      "/auth/api-keys",
      "POST",
      { name: "temp", scopes: ["notes:read"] },
      bearer(user.tokens.access_token),
    );
    const key = (await created.json()) as CreatedApiKey;
    const revoked = await api(`/auth/api-keys/${key.id}`, {
      method: "DELETE",
      headers: bearer(user.tokens.access_token),
    });
    expect(revoked.status).toBe(204);
    expect((await getAs("/me", key.key)).status).toBe(401);
    const again = await api(`/auth/api-keys/${key.id}`, {
      method: "DELETE",
      headers: bearer(user.tokens.access_token),
    });
    expect(again.status).toBe(404);
  });

  it("honours an expiry date", async () => {
    const user = await registerUser();
    const expires = new Date(Date.now() + 1500).toISOString();
    const created = await apiJson(
      "/auth/api-keys",
      "POST",
      { name: "short", scopes: ["notes:read"], expires_at: expires },
      bearer(user.tokens.access_token),
    );
    expect(created.status).toBe(201);
    const key = (await created.json()) as CreatedApiKey;
    expect(key.expires_at).toBe(expires);
    expect((await getAs("/me", key.key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const expired = await getAs("/me", key.key);
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { detail: string }).detail).toContain("expired");
  });
});

describe("admin", () => {
  it("an account the operator promoted is an admin and can list users", async () => {
    const admin = await adminTokens();
    expect(admin.user.role).toBe("admin");
    const user = await registerUser();
    let cursor: string | null = null;
    const seen: string[] = [];
    do {
      const page = await getAs(
        `/admin/users?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        admin.access_token,
      );
      expect(page.status).toBe(200);
      const body = (await page.json()) as { items: Array<{ id: string }>; next_cursor: string | null };
      seen.push(...body.items.map((item) => item.id));
      cursor = body.next_cursor;
    } while (cursor);
    expect(seen).toContain(user.tokens.user.id);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("pages users with the signed cursor every list uses: a raw user id or another list's cursor is a 400", async () => {
    const admin = await adminTokens();
    await registerUser();
    await registerUser();
    const first = await getAs("/admin/users?limit=1", admin.access_token);
    const { items, next_cursor } = (await first.json()) as {
      items: Array<{ id: string }>;
      next_cursor: string;
    };
    expect(next_cursor).toMatch(/^[\w-]+\.[\w-]+$/);
    expect(first.headers.get("link")).toBe(`</admin/users?limit=1&cursor=${next_cursor}>; rel="next"`);
    const second = await getAs(`/admin/users?limit=1&cursor=${next_cursor}`, admin.access_token);
    const page = (await second.json()) as { items: Array<{ id: string }> };
    expect(String(page.items[0]?.id) > String(items[0]?.id)).toBe(true);
    const rawId = await getAs(`/admin/users?limit=1&cursor=${items[0]?.id}`, admin.access_token);
    await expectProblem(rawId, 400, "bad-request");
    await ownerWithPoll();
    await ownerWithPoll();
    const polls = (await (await api("/polls?limit=1")).json()) as { next_cursor: string };
    const foreign = await getAs(`/admin/users?limit=1&cursor=${polls.next_cursor}`, admin.access_token);
    await expectProblem(foreign, 400, "bad-request");
  });

  it("disabling a user stops their API keys and refresh tokens at once; enabling does not revive them", async () => {
    const admin = await adminTokens();
    const user = await registerUser();
    const { key } = await createApiKey(user, "k");
    expect((await getAs("/me", key)).status).toBe(200);

    const disabled = await api(`/admin/users/${user.tokens.user.id}/disable`, {
      method: "POST",
      headers: bearer(admin.access_token),
    });
    expect(disabled.status).toBe(200);
    expect(((await disabled.json()) as User).disabled).toBe(true);

    expect((await getAs("/me", key)).status).toBe(401);
    const refresh = await apiJson("/auth/refresh", "POST", { refresh_token: user.tokens.refresh_token });
    expect(refresh.status).toBe(401);
    // /me reads the account, so even the still-unexpired access token is refused there.
    expect((await getAs("/me", user.tokens.access_token)).status).toBe(401);
    const relogin = await login(user.email, user.password);
    expect(relogin.status).toBe(403);

    const enabled = await api(`/admin/users/${user.tokens.user.id}/enable`, {
      method: "POST",
      headers: bearer(admin.access_token),
    });
    expect(enabled.status).toBe(200);
    expect((await getAs("/me", key)).status).toBe(401);
    expect((await login(user.email, user.password, randomIp())).status).toBe(200);
  });
});
