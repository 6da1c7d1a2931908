/**
 * /status where /stats is admin-only (as in staging and production): the page asks for a
 * token, refuses a non-admin one, shows the figures for an admin, and keeps the token in
 * this tab's sessionStorage only (a new tab asks again; nothing lands in localStorage or
 * cookies). Runs its own `npm start` with STATS_ACCESS=admin.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import type { TokenResponse } from "../../src/routes/auth/auth.schemas.ts";
import { CHROMIUM, type LocalStack, launchChromium, startLocalStack } from "../helpers/browser.ts";

const ADMIN = `status-admin-${crypto.randomUUID().slice(0, 8)}@devhub.test`;
const PASSWORD = "tangerine-Otter-42-skyline";

let stack: LocalStack | undefined;
let browser: Browser | undefined;

/** The operator's way to make an admin: `npm run admin:promote` on the stack's database. */
function promoteAdmin(email: string): void {
  const result = spawnSync(process.execPath, [join(ROOT, "scripts", "promote-admin.ts"), email], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: inject("databaseDirectUrl") },
  });
  expect(result.status, `${result.stdout}${result.stderr}`).toBe(0);
}

async function login(base: string, email: string): Promise<string> {
  const response = await fetch(`${base}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as TokenResponse).access_token;
}

async function register(base: string, email: string): Promise<string> {
  const response = await fetch(`${base}/auth/register`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password: PASSWORD, display_name: "Status" }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as TokenResponse).access_token;
}

describe.skipIf(!CHROMIUM)("status page behind admin-only /stats", () => {
  beforeAll(async () => {
    stack = await startLocalStack(["--var", "STATS_ACCESS:admin"]);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it("asks for a token, refuses a user's, accepts an admin's and keeps it for the tab only", async () => {
    const base = (stack as LocalStack).base;
    const userToken = await register(base, `status-user-${crypto.randomUUID().slice(0, 8)}@devhub.test`);
    await register(base, ADMIN);
    promoteAdmin(ADMIN);
    const adminToken = await login(base, ADMIN);
    const context = await (browser as Browser).newContext();
    const page = await context.newPage();
    await page.goto(`${base}/status`);
    await page.locator("#token-form").waitFor({ state: "visible" });

    await page.getByLabel("Bearer token").fill(userToken);
    await page.getByRole("button", { name: "Show status" }).click();
    await expect
      .poll(() => page.locator("#token-error").textContent())
      .toBe("That token may not read statistics.");
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await page.getByLabel("Bearer token").fill(adminToken);
    await page.getByRole("button", { name: "Show status" }).click();
    await expect.poll(() => page.locator("#environment").textContent()).toBe("local");
    expect(await page.locator("#token-form").isHidden()).toBe(true);
    const storage = await page.evaluate(
      "({ session: Object.values(sessionStorage), local: localStorage.length, cookies: document.cookie })",
    );
    expect(storage).toEqual({ session: [adminToken], local: 0, cookies: "" });

    // A second tab of the same browser profile shares localStorage and cookies, not sessionStorage.
    const otherTab = await context.newPage();
    await otherTab.goto(`${base}/status`);
    await otherTab.locator("#token-form").waitFor({ state: "visible" });
    await context.close();
  }, 90_000);
});
