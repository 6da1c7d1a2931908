/**
 * Drives headless Chromium (Debian's `chromium`, no browser download) against `npm start`:
 * the /docs page renders the API reference, a request is tried from it, and a screenshot
 * is saved to test-results/docs.png. Skipped, with the reason printed, where Chromium is
 * not installed (.ci/run installs it).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import { freePort } from "../../scripts/lib/postgres-server.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
if (!CHROMIUM) console.log("SKIPPED browser check: no Chromium (apt-get install -y chromium).");

let server: ChildProcess | undefined;
let base = "";

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`npm start did not answer /health within ${timeoutMs} ms`);
}

describe.skipIf(!CHROMIUM)("browser check of /docs", () => {
  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    // Exactly what `npm start` runs, on the suite's database (the DATABASE_URL mode).
    server = spawn(process.execPath, [join(ROOT, "scripts", "dev.ts")], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: inject("databaseDirectUrl"),
        // On the PostgreSQL run, `npm start` puts its own PgBouncer in front, like the suite's.
        ...(inject("databaseKind") === "postgres" ? { DATABASE_POOL: "pgbouncer" } : {}),
        GITHUB_API_URL: inject("githubApiUrl"),
      },
      stdio: ["ignore", "ignore", "inherit"],
    });
    await waitForHealth(base, 90_000);
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const exited = new Promise((resolve) => server?.once("exit", resolve));
      server.kill("SIGINT");
      await exited;
    }
  });

  it("renders the reference, tries GET /health from it, and saves a screenshot", async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
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
});
