import { describe, expect, it } from "vitest";
import type { AuditEventDto } from "../../src/routes/audit/audit.schemas.ts";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import {
  adminTokens,
  bearer,
  createApiKey,
  getAs,
  login,
  randomIp,
  registerUser,
  type TestUser,
} from "../helpers/auth.ts";

interface AuditPage {
  items: AuditEventDto[];
  next_cursor: string | null;
}

/** The session id an access token names (its `sid`), as audit events record it. */
function sessionOf(accessToken: string): string {
  const payload = accessToken.split(".")[1] ?? "";
  return (JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string }).sid;
}

/** Everything about `userId`, read by an admin (reading with the account's own session would log in). */
async function trailOf(userId: string): Promise<AuditEventDto[]> {
  const admin = (await adminTokens()).access_token;
  const response = await getAs(`/admin/audit?user_id=${userId}&limit=100`, admin);
  expect(response.status).toBe(200);
  return ((await response.json()) as AuditPage).items;
}

async function loginTokens(user: TestUser, ip = randomIp()) {
  const response = await login(user.email, user.password, ip);
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; refresh_token: string };
}

describe("the audit trail", () => {
  it("every listed action leaves exactly one event, naming its credential and address", async () => {
    const user = await registerUser();
    const userId = user.tokens.user.id;
    const admin = await adminTokens();
    let seen = (await trailOf(userId)).length;
    expect(seen).toBe(0);

    /** Runs `action`, then expects exactly one new event: of `type`, matching `expected`. */
    async function expectOneEvent(type: string, action: () => Promise<unknown>, expected: object) {
      await action();
      const trail = await trailOf(userId);
      expect(trail.length, type).toBe(seen + 1);
      seen = trail.length;
      expect(trail[0], type).toMatchObject({ type, user_id: userId, ...expected });
    }

    const ip = randomIp();
    let session = { access_token: "", refresh_token: "" };
    await expectOneEvent(
      "login.succeeded",
      async () => {
        session = await loginTokens(user, ip);
      },
      { ip },
    );
    const sid = sessionOf(session.access_token);
    expect((await trailOf(userId))[0]?.credential).toEqual({ kind: "session", id: sid });

    const wrongIp = randomIp();
    await expectOneEvent("login.failed", () => login(user.email, "Wrong-password-42-zz", wrongIp), {
      credential: { kind: "none", id: null },
      ip: wrongIp,
      details: { reason: "wrong_password" },
    });

    const created = await createApiKey(user, "audited", ["notes:read"]);
    expect((await trailOf(userId))[0]).toMatchObject({
      type: "api_key.created",
      credential: { kind: "session", id: sessionOf(user.tokens.access_token) },
      details: { api_key_id: created.id },
    });
    seen += 1;

    const keyIp = randomIp();
    const useKey = () => api("/notes", { headers: { ...bearer(created.key), "CF-Connecting-IP": keyIp } });
    await expectOneEvent("api_key.new_address", useKey, {
      credential: { kind: "api_key", id: created.id },
      ip: keyIp,
    });
    // The same address again is not new.
    await useKey();
    expect((await trailOf(userId)).length).toBe(seen);

    const rotate = () =>
      apiJson(
        `/auth/api-keys/${created.id}/rotate`,
        "POST",
        {},
        { ...bearer(session.access_token), "CF-Connecting-IP": ip },
      );
    await expectOneEvent("api_key.rotated", rotate, { credential: { kind: "session", id: sid }, ip });

    const revoke = () =>
      api(`/auth/api-keys/${created.id}`, { method: "DELETE", headers: bearer(session.access_token) });
    await expectOneEvent("api_key.revoked", revoke, { details: { api_key_id: created.id } });

    const logout = () => apiJson("/auth/logout", "POST", { refresh_token: session.refresh_token });
    await expectOneEvent("session.revoked", logout, {
      credential: { kind: "session", id: sid },
      details: { reason: "logout" },
    });

    // A refresh token presented twice revokes its session: one event for the reuse, none for the rotation.
    const other = await loginTokens(user);
    seen += 1;
    const rotated = await apiJson("/auth/refresh", "POST", { refresh_token: other.refresh_token });
    expect(rotated.status).toBe(200);
    expect((await trailOf(userId)).length).toBe(seen);
    await expectOneEvent(
      "session.revoked",
      () => apiJson("/auth/refresh", "POST", { refresh_token: other.refresh_token }),
      {
        credential: { kind: "session", id: sessionOf(other.access_token) },
        details: { reason: "refresh_token_reuse" },
      },
    );

    const adminId = admin.user.id;
    const adminAction = (action: string) =>
      apiJson(`/admin/users/${userId}/${action}`, "POST", {}, bearer(admin.access_token));
    await expectOneEvent("user.disabled", () => adminAction("disable"), {
      actor_id: adminId,
      credential: { kind: "session", id: sessionOf(admin.access_token) },
    });
    await expectOneEvent("user.enabled", () => adminAction("enable"), { actor_id: adminId });
  }, 90_000);

  it("a failed login naming no account is kept for admins only", async () => {
    const ip = randomIp();
    const email = `nobody-${crypto.randomUUID()}@devhub.test`;
    expect((await login(email, "Wrong-password-42-zz", ip)).status).toBe(401);
    const admin = (await adminTokens()).access_token;
    const page = (await (await getAs("/admin/audit?type=login.failed&limit=100", admin)).json()) as AuditPage;
    expect(page.items.filter((event) => event.ip === ip)).toMatchObject([
      { user_id: null, credential: { kind: "none", id: null }, details: { reason: "unknown_email" } },
    ]);
  });

  it("no account sees another's events, whatever it puts in the query", async () => {
    const [alice, bob] = [await registerUser(), await registerUser()];
    await loginTokens(alice);
    await loginTokens(bob);
    for (const [me, them] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const response = await getAs(`/me/audit?user_id=${them.tokens.user.id}`, me.tokens.access_token);
      expect(response.status).toBe(200);
      const page = (await response.json()) as AuditPage;
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.every((event) => event.user_id === me.tokens.user.id)).toBe(true);
    }
  });

  it("filters by type and time and pages newest first", async () => {
    const user = await registerUser();
    const before = new Date().toISOString();
    for (let i = 0; i < 3; i += 1) await loginTokens(user);
    await login(user.email, "Wrong-password-42-zz");
    const token = user.tokens.access_token;
    const logins = (await (await getAs("/me/audit?type=login.succeeded", token)).json()) as AuditPage;
    expect(logins.items.map((event) => event.type)).toEqual(Array(3).fill("login.succeeded"));
    const times = logins.items.map((event) => event.created_at);
    expect([...times].sort().reverse()).toEqual(times);

    const first = (await (await getAs("/me/audit?limit=2", token)).json()) as AuditPage;
    expect(first.items).toHaveLength(2);
    const second = (await (
      await getAs(`/me/audit?limit=2&cursor=${encodeURIComponent(first.next_cursor ?? "")}`, token)
    ).json()) as AuditPage;
    expect(second.items).toHaveLength(2);
    expect(second.next_cursor).toBeNull();
    expect(new Set([...first.items, ...second.items].map((event) => event.id)).size).toBe(4);

    const until = (await (
      await getAs(`/me/audit?until=${encodeURIComponent(before)}`, token)
    ).json()) as AuditPage;
    expect(until.items).toEqual([]);
    const since = (await (
      await getAs(`/me/audit?since=${encodeURIComponent(before)}`, token)
    ).json()) as AuditPage;
    expect(since.items).toHaveLength(4);
    await expectProblem(await getAs("/me/audit?type=nonsense", token), 422, "validation-failed");
  });

  it("/admin/audit is for admin sessions only", async () => {
    const user = await registerUser();
    await expectProblem(await api("/admin/audit"), 401, "unauthorized");
    await expectProblem(await getAs("/admin/audit", user.tokens.access_token), 403, "forbidden");
    const admin = await adminTokens();
    expect((await getAs("/admin/audit", admin.access_token)).status).toBe(200);
  });
});
