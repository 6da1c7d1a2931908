/**
 * The front door, the lookup pages, the GitHub and status pages and /docs in headless Chromium
 * against `npm start`: axe-core finds nothing serious or critical on any of them at 375 and
 * 1440 px, in light and dark; no CSP refusal, no sideways scrolling. Screenshots of each go to
 * test-results/pages/front-*.png. Then what a newcomer does: from / to a GitHub profile through
 * the username box, and the status page's headline, times, legends and small error shares.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CHROMIUM, openWatchedPage, useBrowserStack } from "../helpers/browser.ts";
import { auditPages } from "../helpers/page-audit.ts";

if (!CHROMIUM) console.log("SKIPPED front-door browser check: no Chromium (apt-get install -y chromium).");

const live = useBrowserStack();

const PAGES = ["/", "/gh", "/p", "/gh/octocat", "/status", "/docs"];

function openPage(colorScheme: "light" | "dark" = "light", width = 1440) {
  return openWatchedPage(live.browser, { viewport: { width, height: 900 }, colorScheme });
}

/** Waits until the page has drawn what its script draws (charts, Swagger UI's operations). */
async function settle(page: Page, path: string): Promise<void> {
  if (path === "/docs") {
    await page.locator(".opblock").first().waitFor();
    // One operation open, so its parameters, responses and buttons are audited too.
    await page.locator(".opblock-summary-control").first().click();
    await page.locator(".opblock-body").first().waitFor();
  } else if (path === "/status") {
    await page.locator("#state[data-state='ok']").waitFor({ timeout: 20_000 });
    await page.locator("#chart-requests canvas").waitFor();
  } else if (path.startsWith("/gh/")) {
    await page.locator("#chart-languages canvas").first().waitFor();
  }
}

describe.skipIf(!CHROMIUM)("front door and pages in a browser", () => {
  it("every page passes axe at 375 and 1440 px, light and dark, with no CSP refusal or sideways scroll", async () => {
    await auditPages({
      browser: live.browser,
      base: live.base,
      pages: PAGES.map((path) => ({
        name: path === "/" ? "front" : `front${path.replaceAll("/", "-")}`,
        path,
        ready: (page) => settle(page, path),
      })),
    });
  }, 300_000);

  it("leads a newcomer from / to a GitHub profile through the username box", async () => {
    const { page, problems, close } = await openPage();
    await page.goto(`${live.base}/`);
    await page.getByRole("link", { name: "Look up a GitHub user" }).click();
    await page.getByLabel("GitHub username").fill("octocat");
    await page.keyboard.press("Enter");
    await page.waitForURL(`${live.base}/gh/octocat`);
    await expect.poll(() => page.locator("h1").textContent()).toContain("octocat");
    expect(await page.locator("#fork-note").textContent()).toMatch(/own repositories: 2 forks are left out/);
    expect(await page.locator("#cache-status").textContent()).not.toMatch(/\b(hit|miss)\b/);
    expect(problems).toEqual([]);
    await close();
  }, 60_000);

  it("status: an overall state first, legends without --, local times, and a small error share with its digits", async () => {
    // One server error among a few hundred requests: well under 0.5 %.
    await (await fetch(`${live.base}/trigger-error`)).arrayBuffer();
    for (let batch = 0; batch < 6; batch += 1)
      await Promise.all(
        Array.from({ length: 50 }, () => fetch(`${live.base}/health`).then((r) => r.arrayBuffer())),
      );
    const { page, problems, close } = await openPage("light", 375);
    await page.goto(`${live.base}/status`);
    await expect
      .poll(() => page.locator("#state").getAttribute("data-state"), { timeout: 20_000 })
      .toBe("ok");
    expect(await page.locator("#state-title").textContent()).toBe("All systems normal");
    const share = (await page.locator("#error-share").textContent()) ?? "";
    const percent = Number(/^([\d.]+) %/.exec(share)?.[1]);
    expect(percent, share).toBeGreaterThan(0);
    expect(percent, share).toBeLessThan(0.5);
    // Times in the viewer's zone with how long ago, not raw ISO timestamps.
    expect(await page.locator("#last-error").textContent()).toMatch(/^\d\d:\d\d:\d\d \(\d+ s ago\) — /);
    expect(await page.locator("#uptime-since").textContent()).toMatch(/^since \d\d:\d\d:\d\d/);
    expect(await page.locator("body").textContent()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    // Legends show the latest values before any pointer has hovered.
    await page.locator("#chart-latency .u-legend").waitFor();
    const legendValues = await page.locator(".u-legend .u-value").allTextContents();
    expect(legendValues.length).toBeGreaterThan(0);
    expect(legendValues.filter((value) => value.trim() === "--")).toEqual([]);
    // The latency tile says which window it covers; the routes table says it scrolls on a phone.
    expect(await page.locator("#latency").locator("xpath=preceding-sibling::dt").textContent()).toContain(
      "last 60 min",
    );
    expect(await page.locator(".scroll-hint").isVisible()).toBe(true);
    await page.setViewportSize({ width: 1440, height: 900 });
    expect(await page.locator(".scroll-hint").isVisible()).toBe(false);
    expect(problems).toEqual([]);
    await close();
  }, 90_000);
});
