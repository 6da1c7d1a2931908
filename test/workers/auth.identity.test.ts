/**
 * Who an account is: the admin role comes from the operator, never from a claimed address;
 * one typed address reaches one account; and a taken address can be probed only so fast.
 */

import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { TokenResponse } from "../../src/routes/auth/auth.schemas.ts";
import { apiJson, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { GOOD_PASSWORD, login, randomIp, registerUser, uniqueEmail } from "../helpers/auth.ts";
import { asProduction } from "../helpers/database-driver.ts";
import { runSql } from "../helpers/db.ts";

const KELVIN_SIGN = "\u212A";

const registerBody = (email: string) => ({
  method: "POST",
  headers: { "Content-Type": "application/json", "CF-Connecting-IP": randomIp() },
  body: JSON.stringify({ email, password: GOOD_PASSWORD, display_name: "Who" }),
});

describe("the admin role", () => {
  it("is never granted by registration, whatever address is claimed (ADMIN_EMAILS, production)", async () => {
    const email = uniqueEmail("operator");
    // A deployment may still carry the retired variable: it must grant nothing.
    const call = apiWithEnv({ ADMIN_EMAILS: email, ...asProduction() });
    const response = await call("/auth/register", registerBody(`  ${email.toUpperCase()} `));
    expect(response.status).toBe(201);
    const { user } = (await response.json()) as TokenResponse;
    expect(user.role).toBe("user");
    const rows = await runSql<{ role: string }>(sql`SELECT role FROM users WHERE id = ${user.id}`);
    expect(rows).toEqual([{ role: "user" }]);
  });
});

describe("one typed address, one account", () => {
  it("stores and matches the trimmed, lower-cased address", async () => {
    const email = uniqueEmail("case");
    const user = await registerUser(`  ${email.toUpperCase()}\t`);
    expect(user.tokens.user.email).toBe(email);
    expect((await login(` ${email.toUpperCase()} `, GOOD_PASSWORD)).status).toBe(200);
  });

  it("refuses a Kelvin sign (K look-alike) at registration and login instead of folding it into K", async () => {
    const ascii = uniqueEmail("k");
    await registerUser(ascii);
    const lookAlike = `${KELVIN_SIGN}${ascii.slice(1)}`;
    const loggedIn = await login(lookAlike, GOOD_PASSWORD);
    const problem = await expectProblem(loggedIn, 422, "validation-failed");
    expect(problem.errors?.[0]).toMatchObject({ path: "body.email" });
    expect(problem.errors?.[0]?.message).toContain("ASCII");
    const registered = await apiJson("/auth/register", "POST", {
      email: `${KELVIN_SIGN}${uniqueEmail("k").slice(1)}`,
      password: GOOD_PASSWORD,
      display_name: "Kelvin",
    });
    await expectProblem(registered, 422, "validation-failed");
  });
});

describe("probing which addresses are taken", () => {
  it("is capped for the whole service, whatever address and email each attempt uses", async () => {
    const call = apiWithEnv({ RATE_LIMIT_POLICY: "register_global=3/3600" });
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt += 1) {
      statuses.push((await call("/auth/register", registerBody(uniqueEmail("probe")))).status);
    }
    // Other test files register through the same bucket, so fewer than 3 may get through.
    // A budget the whole service shares answers 503 (the caller did nothing wrong), like the
    // GitHub token's.
    const firstRefusal = statuses.indexOf(503);
    expect(firstRefusal).toBeGreaterThanOrEqual(0);
    expect(statuses.slice(0, firstRefusal).every((status) => status === 201)).toBe(true);
    expect(statuses.slice(firstRefusal).every((status) => status === 503)).toBe(true);
    const refused = await call("/auth/register", registerBody(uniqueEmail("probe")));
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    await expectProblem(refused, 503, "dependency-unavailable");
  });
});
