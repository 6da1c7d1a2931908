/**
 * The three pages in headless Chromium against `npm start`: each is loaded, used (sort the
 * repository table, vote and watch the bars, watch a status chart take a burst of
 * requests), audited with axe-core (no serious or critical violation), checked for CSP
 * violations and sideways scrolling, and screenshotted at 375 and 1280 px into
 * test-results/pages/. Page weights and first paints go to test-results/pages/weights.json.
 */

import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, type LocalStack, launchChromium, startLocalStack } from "../helpers/browser.ts";
import {
  horizontalOverflow,
  measurePage,
  type PageWeight,
  RESULTS_DIR,
  saveWeights,
  screenshots,
  seriousViolations,
} from "../helpers/page-checks.ts";

if (!CHROMIUM) console.log("SKIPPED pages browser check: no Chromium (apt-get install -y chromium).");

let stack: LocalStack | undefined;
let browser: Browser | undefined;
let base = "";
const weights: PageWeight[] = [];

/** A page that records CSP refusals and script errors, so each test can assert there were none. */
async function openPage(options: { javaScriptEnabled?: boolean } = {}) {
  const context = await (browser as Browser).newContext({
    viewport: { width: 1280, height: 900 },
    ...options,
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return { page, problems, close: () => context.close() };
}

async function auditAndCapture(page: Page, name: string, path: string): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshots(page, name);
  // Dark mode: contrast is audited again and a desktop screenshot kept.
  await page.emulateMedia({ colorScheme: "dark" });
  await page.waitForTimeout(300);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(RESULTS_DIR, `${name}-1280-dark.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  const { page: fresh, close } = await openPage();
  weights.push(await measurePage(fresh, base, path));
  await close();
}

async function postJson(path: string, body: unknown, token?: string) {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const meterValue = (page: Page, label: string) =>
  page.locator(`#results li:has(.label:text-is("${label}")) meter`).getAttribute("value");

describe.skipIf(!CHROMIUM)("pages in a browser", () => {
  beforeAll(async () => {
    stack = await startLocalStack();
    base = stack.base;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    if (weights.length) await saveWeights(weights);
  });

  it("GitHub profile: sorts and filters the repositories, by mouse and keyboard", async () => {
    const { page, problems, close } = await openPage();
    await page.goto(`${base}/gh/octocat`);
    await page.locator("#chart-languages canvas").first().waitFor();
    await expect
      .poll(() => page.locator("#cache-status").textContent())
      .toMatch(/^(miss|hit|stale|revalidated)$/);
    const names = () =>
      page
        .locator("#repos tbody tr:not([hidden])")
        .evaluateAll((rows) =>
          rows.map((row) => (row as unknown as { dataset: Record<string, string> }).dataset.name),
        );
    const stars = () =>
      page
        .locator("#repos tbody tr:not([hidden])")
        .evaluateAll((rows) =>
          rows.map((row) => Number((row as unknown as { dataset: Record<string, string> }).dataset.stars)),
        );

    await page.getByRole("link", { name: "Name" }).click();
    const byName = await names();
    expect(byName.length).toBe(12);
    expect(byName).toEqual([...byName].sort());
    expect(page.url()).toContain("sort=name");
    await expect
      .poll(() => page.locator("th:has(a[data-sort=name])").getAttribute("aria-sort"))
      .toBe("ascending");

    await page.getByRole("link", { name: "Stars" }).focus();
    await page.keyboard.press("Enter");
    const byStars = await stars();
    expect(byStars).toEqual([...byStars].sort((a, b) => b - a));

    await page.getByLabel("Language", { exact: true }).selectOption("Go");
    const languages = await page.locator("#repos tbody tr:not([hidden]) td[data-language]").allTextContents();
    expect(languages.length).toBeGreaterThan(0);
    expect(new Set(languages)).toEqual(new Set(["Go"]));
    await page.getByLabel("Language", { exact: true }).selectOption("");

    await auditAndCapture(page, "github", "/gh/octocat");
    expect(problems).toEqual([]);
    await close();
  }, 90_000);

  it("poll: a vote moves the bars, another voter's vote arrives without reload, and the form works without JS", async () => {
    const email = `pages-${crypto.randomUUID().slice(0, 8)}@devhub.test`;
    const owner = await postJson("/auth/register", {
      email,
      password: "tangerine-Otter-42-skyline",
      display_name: "Owner",
    });
    const created = await postJson(
      "/polls",
      {
        title: "Which editor? <b>bold</b>",
        description: "Pick one, and any extras.",
        voters: "anonymous",
        results_visibility: "always",
        questions: [
          { prompt: "Editor", choices: [{ label: "Vim" }, { label: "Emacs" }, { label: "VS Code" }] },
          { prompt: "Extras", kind: "multiple", choices: [{ label: "Themes" }, { label: "Plugins" }] },
        ],
      },
      owner.body.access_token as string,
    );
    expect(created.status).toBe(201);
    const poll = created.body as {
      id: string;
      questions: Array<{ id: string; choices: Array<{ id: string }> }>;
    };

    const { page, problems, close } = await openPage();
    await page.goto(`${base}/p/${poll.id}`);
    expect(await page.locator("h1").textContent()).toBe("Which editor? <b>bold</b>");
    expect(await meterValue(page, "Emacs")).toBe("0");
    await page.getByLabel("Emacs", { exact: true }).check();
    await page.getByLabel("Plugins", { exact: true }).check();
    await page.getByRole("button", { name: "Vote", exact: true }).click();
    await expect.poll(() => page.locator("#message").textContent()).toBe("Your vote was recorded.");
    await expect.poll(() => meterValue(page, "Emacs")).toBe("100");

    // Someone else votes through the API: the open page catches up by itself.
    const [q1, q2] = poll.questions;
    const other = await postJson(`/polls/${poll.id}/votes`, {
      answers: [
        { question_id: q1?.id, choice_ids: [q1?.choices[0]?.id] },
        { question_id: q2?.id, choice_ids: [q2?.choices[0]?.id] },
      ],
    });
    expect(other.status).toBe(201);
    await expect.poll(() => meterValue(page, "Vim"), { timeout: 15_000 }).toBe("50");
    expect(await meterValue(page, "Emacs")).toBe("50");
    await auditAndCapture(page, "poll", `/p/${poll.id}`);
    expect(problems).toEqual([]);
    await close();

    const plain = await openPage({ javaScriptEnabled: false });
    await plain.page.goto(`${base}/p/${poll.id}`);
    await plain.page.getByLabel("VS Code", { exact: true }).check();
    await plain.page.getByLabel("Themes", { exact: true }).check();
    await plain.page.getByRole("button", { name: "Vote", exact: true }).click();
    await plain.page.waitForURL(/outcome=voted/);
    expect(await plain.page.locator("#message").textContent()).toBe("Your vote was recorded.");
    expect(await plain.page.locator("[data-total]").textContent()).toBe("3");
    expect(await meterValue(plain.page, "VS Code")).toBe("33.3");
    await plain.close();
  }, 90_000);

  it("status: a burst of requests shows up in the request chart without reloading", async () => {
    const { page, problems, close } = await openPage();
    await page.goto(`${base}/status`);
    const chart = page.locator("#chart-requests");
    await expect.poll(() => chart.getAttribute("data-sum"), { timeout: 15_000 }).not.toBeNull();
    const before = Number(await chart.getAttribute("data-sum"));
    await Promise.all(
      Array.from({ length: 40 }, () => fetch(`${base}/health`).then((response) => response.text())),
    );
    await expect
      .poll(async () => Number(await chart.getAttribute("data-sum")), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(before + 40);
    await expect.poll(() => page.locator("#routes th", { hasText: "GET /health" }).count()).toBe(1);
    await expect
      .poll(() => page.locator("#chart-routes canvas").count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await page.locator("#environment").textContent()).toBe("local");
    await auditAndCapture(page, "status", "/status");
    expect(problems).toEqual([]);
    await close();
  }, 90_000);
});
