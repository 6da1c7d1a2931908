import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { ApiKey, CreatedApiKey } from "../../src/routes/auth/auth.schemas.ts";
import { api, apiJson, expectProblem } from "../helpers/api.ts";
import { bearer, createApiKey, getAs, randomIp, registerUser, type TestUser } from "../helpers/auth.ts";
import { runSql } from "../helpers/db.ts";

const meWith = (key: string, ip = randomIp()) =>
  api("/me", { headers: { ...bearer(key), "CF-Connecting-IP": ip } });

async function rotate(user: TestUser, id: string): Promise<CreatedApiKey> {
  const response = await apiJson(`/auth/api-keys/${id}/rotate`, "POST", {}, bearer(user.tokens.access_token));
  expect(response.status).toBe(200);
  return (await response.json()) as CreatedApiKey;
}

async function listed(user: TestUser, id: string): Promise<ApiKey | undefined> {
  const page = (await (await getAs("/auth/api-keys", user.tokens.access_token)).json()) as {
    items: ApiKey[];
  };
  return page.items.find((key) => key.id === id);
}

describe("API key rotation, expiry and usage", () => {
  it("rotation keeps id, name and scopes; the old secret works inside the overlap, not after", async () => {
    const user = await registerUser();
    const original = await createApiKey(user, "deploy", ["notes:read", "polls:read"]);
    const rotated = await rotate(user, original.id);
    expect(rotated).toMatchObject({ id: original.id, name: "deploy", scopes: ["notes:read", "polls:read"] });
    expect(rotated.key).not.toBe(original.key);
    expect(rotated.rotated_at).not.toBeNull();
    expect((await meWith(rotated.key)).status).toBe(200);
    // Inside the window (10 minutes) the old secret still works, with the same scopes.
    expect((await meWith(original.key)).status).toBe(200);
    await expectProblem(
      await api("/polls", { method: "POST", headers: bearer(original.key) }),
      403,
      "insufficient-scope",
    );
    // The window is a database time: move its end into the past instead of waiting ten minutes.
    await runSql(
      sql`UPDATE api_keys SET previous_valid_until = now() - interval '1 second' WHERE id = ${original.id}`,
    );
    await expectProblem(await meWith(original.key), 401, "unauthorized");
    expect((await meWith(rotated.key)).status).toBe(200);
  });

  it("a second rotation ends the first secret at once; only a session rotates", async () => {
    const user = await registerUser();
    const first = await createApiKey(user, "ci", ["notes:read"]);
    const second = await rotate(user, first.id);
    const third = await rotate(user, first.id);
    await expectProblem(await meWith(first.key), 401, "unauthorized");
    expect((await meWith(second.key)).status).toBe(200);
    expect((await meWith(third.key)).status).toBe(200);
    const byKey = await apiJson(`/auth/api-keys/${first.id}/rotate`, "POST", {}, bearer(third.key));
    await expectProblem(byKey, 403, "forbidden");
  });

  it("an expired key is refused and cannot be rotated back to life", async () => {
    const user = await registerUser();
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const response = await apiJson(
      "/auth/api-keys",
      "POST",
      { name: "brief", scopes: ["notes:read"], expires_at: expiresAt },
      bearer(user.tokens.access_token),
    );
    const key = (await response.json()) as CreatedApiKey;
    expect((await meWith(key.key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const problem = await expectProblem(await meWith(key.key), 401, "unauthorized");
    expect(problem.detail).toMatch(/expired/);
    const revived = await apiJson(
      `/auth/api-keys/${key.id}/rotate`,
      "POST",
      {},
      bearer(user.tokens.access_token),
    );
    await expectProblem(revived, 404, "not-found");
  });

  it("lists each key's last use, last address and requests over the last day", async () => {
    const user = await registerUser();
    const key = await createApiKey(user, "counted", ["notes:read"]);
    expect(await listed(user, key.id)).toMatchObject({
      last_used_at: null,
      last_used_ip: null,
      requests_last_day: 0,
    });
    const ip = randomIp();
    for (let i = 0; i < 3; i += 1) expect((await meWith(key.key, ip)).status).toBe(200);
    // A refused request was still made with the key: it counts.
    await expectProblem(
      await api("/polls", { method: "POST", headers: bearer(key.key) }),
      403,
      "insufficient-scope",
    );
    const seen = await listed(user, key.id);
    expect(seen).toMatchObject({ last_used_ip: expect.any(String), requests_last_day: 4 });
    expect(seen?.last_used_at).not.toBeNull();
    const sameAddress = await meWith(key.key, ip);
    await sameAddress.body?.cancel();
    expect(await listed(user, key.id)).toMatchObject({ last_used_ip: ip, requests_last_day: 5 });
    // Buckets older than the day are not counted.
    await runSql(sql`UPDATE api_key_usage SET hour = hour - interval '2 days' WHERE key_id = ${key.id}`);
    expect(await listed(user, key.id)).toMatchObject({ requests_last_day: 0 });
  });

  it("keys made before scopes existed keep every right they had", async () => {
    const user = await registerUser();
    const key = await createApiKey(user, "legacy", ["events:read"]);
    // What the migration gives a row that names no scopes: the column's default.
    await runSql(sql`UPDATE api_keys SET scopes = DEFAULT WHERE id = ${key.id}`);
    const note = await apiJson("/notes", "POST", { title: "legacy" }, bearer(key.key));
    expect(note.status).toBe(201);
    expect((await listed(user, key.id))?.scopes).toHaveLength(8);
  });
});
