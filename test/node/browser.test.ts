/**
 * Drives headless Chromium (Debian's `chromium`, no browser download) against `npm start`:
 * the /docs page renders the API reference, a request is tried from it, and a screenshot
 * is saved to test-results/docs.png. Skipped, with the reason printed, where Chromium is
 * not installed (.ci/run installs it).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import { CHROMIUM, type LocalStack, launchChromium, startLocalStack } from "../helpers/browser.ts";

if (!CHROMIUM) console.log("SKIPPED browser check: no Chromium (apt-get install -y chromium).");

let stack: LocalStack | undefined;
let base = "";

describe.skipIf(!CHROMIUM)("browser check of /docs", () => {
  beforeAll(async () => {
    stack = await startLocalStack();
    base = stack.base;
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("renders the reference, tries GET /health from it, and saves a screenshot", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
      const failedRequests: string[] = [];
      page.on("requestfailed", (request) => failedRequests.push(request.url()));
      await page.goto(`${base}/docs`);
      await page.waitForSelector(".swagger-ui .info .title", { timeout: 30_000 });
      const title = await page.locator(".swagger-ui .info .title").textContent();
      expect(title).toContain("devhub-api");
      expect(await page.locator(".opblock").count()).toBeGreaterThan(20);

      const health = page.locator('.opblock-get:has(.opblock-summary-path[data-path="/health"])').first();
      await health.locator(".opblock-summary").click();
      // init.js turns "Try it out" on by default; only press it if the form is not open yet.
      const execute = health.locator("button.execute");
      if (!(await execute.isVisible())) await health.locator("button.try-out__btn").click();
      await execute.click();
      const status = health.locator(".live-responses-table .response .response-col_status").first();
      await status.waitFor({ timeout: 30_000 });
      expect((await status.textContent())?.trim()).toBe("200");
      expect(await health.locator(".live-responses-table .microlight").first().textContent()).toContain(
        '"status": "ok"',
      );

      await mkdir(join(ROOT, "test-results"), { recursive: true });
      await page.screenshot({ path: join(ROOT, "test-results", "docs.png"), fullPage: false });
      expect(failedRequests.filter((url) => !url.startsWith(base))).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);

  it("keeps a pasted token in the page only, and wipes one an older page left in localStorage", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${base}/docs`);
      await page.waitForSelector(".swagger-ui .info .title", { timeout: 30_000 });
      await page.evaluate(() =>
        localStorage.setItem("authorized", JSON.stringify({ bearerAuth: { value: "left-behind" } })),
      );
      await page.reload();
      await page.waitForSelector(".swagger-ui .info .title", { timeout: 30_000 });
      expect(await page.evaluate(() => localStorage.getItem("authorized"))).toBeNull();

      // Through the Authorize dialog, as a reader pastes a token.
      await page.locator(".auth-wrapper button.authorize").click();
      const dialog = page.locator(".modal-ux");
      await dialog.locator(".auth-container input").first().fill("pasted-token");
      await dialog.locator(".auth-container button.authorize").first().click();
      await dialog.getByRole("button", { name: "Remove authorization" }).first().waitFor({ timeout: 10_000 });
      expect(await page.evaluate(() => ({ ...localStorage }))).toEqual({});
    } finally {
      await browser.close();
    }
  }, 120_000);
});
