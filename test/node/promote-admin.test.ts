/**
 * `npm run admin:promote`, the only way to make an admin: it finds the account by the same
 * spelling registration stores, refuses a look-alike address, and says so when nothing matched.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ROOT } from "../../scripts/lib/local-worker.ts";

const email = `k-promote-${crypto.randomUUID().slice(0, 8)}@example.com`;
let client: pg.Client;

function promote(typed: string) {
  const result = spawnSync(process.execPath, [join(ROOT, "scripts", "promote-admin.ts"), typed], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: inject("databaseDirectUrl") },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

async function role(): Promise<string | undefined> {
  const result = await client.query("SELECT role FROM users WHERE email = $1", [email]);
  return result.rows[0]?.role;
}

describe("npm run admin:promote", () => {
  beforeAll(async () => {
    client = new pg.Client({ connectionString: inject("databaseDirectUrl") });
    await client.connect();
    await client.query(
      "INSERT INTO users (id, email, password_hash, display_name) VALUES ($1, $2, 'x', 'Operator')",
      [crypto.randomUUID(), email],
    );
  });
  afterAll(async () => {
    await client.end();
  });

  it("refuses a Kelvin-sign look-alike of the address and promotes nobody", async () => {
    const { status, output } = promote(`\u212A${email.slice(1)}`);
    expect(status, output).toBe(1);
    expect(output).toContain("ASCII");
    expect(await role()).toBe("user");
  });

  it("says so when no account has the address", async () => {
    const { status, output } = promote(`nobody-${email}`);
    expect(status, output).toBe(1);
    expect(output).toContain("no account");
  });

  it("promotes the account the address names, typed in any case and with spaces", async () => {
    const { status, output } = promote(`  ${email.toUpperCase()} `);
    expect(status, output).toBe(0);
    expect(await role()).toBe("admin");
  });
});
