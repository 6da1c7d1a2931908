/**
 * The three pages in headless Chromium against `npm start`: each is loaded, used (sort the
 * repository table, vote and watch the bars, watch a status chart take a burst of
 * requests), audited with axe-core (no serious or critical violation), checked for CSP
 * violations and sideways scrolling, and screenshotted at 375 and 1280 px into
 * test-results/pages/. Page weights and first paints go to test-results/pages/weights.json.
 */

import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { CHROMIUM, openWatchedPage, useBrowserStack } from "../helpers/browser.ts";
import {
  canvasPixelsOf,
  cssVariable,
  horizontalOverflow,
  measurePage,
  type PageWeight,
  RESULTS_DIR,
  saveWeights,
  screenshots,
  seriousViolations,
} from "../helpers/page-checks.ts";
import { countResultReads, liveMode, meterValue, voteFirstChoices } from "../helpers/poll-page.ts";

if (!CHROMIUM) console.log("SKIPPED pages browser check: no Chromium (apt-get install -y chromium).");

const live = useBrowserStack();
const weights: PageWeight[] = [];

/** The part of a 2D canvas context used to measure text (this project has no DOM typings). */
interface CanvasText {
  font: string;
  measureText(text: string): { width: number };
}

/** A page that records CSP refusals and script errors, so each test can assert there were none. */
function openPage(options: { javaScriptEnabled?: boolean; colorScheme?: "dark" | "light" } = {}) {
  return openWatchedPage(live.browser, options);
}

/**
 * The chart is painted in the scheme's own grid and text colours and none of the other
 * scheme's grid colour (a canvas keeps the colours it was drawn with until it is redrawn).
 */
async function expectChartInScheme(page: Page, chart: string, otherGrid: string): Promise<void> {
  const [grid, text] = [await cssVariable(page, "--grid"), await cssVariable(page, "--text")];
  await expect.poll(() => canvasPixelsOf(page, chart, grid), { timeout: 10_000 }).toBeGreaterThan(50);
  await expect.poll(() => canvasPixelsOf(page, chart, otherGrid), { timeout: 10_000 }).toBe(0);
  expect(await canvasPixelsOf(page, chart, text)).toBeGreaterThan(10);
}

async function auditAndCapture(page: Page, name: string, path: string, charts: string[] = []): Promise<void> {
  expect(await seriousViolations(page)).toEqual([]);
  await screenshots(page, name);
  const lightGrid = await cssVariable(page, "--grid");
  // Dark mode, switched after load: charts redraw, contrast is audited again, a screenshot kept.
  await page.emulateMedia({ colorScheme: "dark" });
  const darkGrid = await cssVariable(page, "--grid");
  expect(darkGrid).not.toBe(lightGrid);
  for (const chart of charts) await expectChartInScheme(page, chart, lightGrid);
  await page.waitForTimeout(300);
  expect(await seriousViolations(page)).toEqual([]);
  await page.screenshot({ path: join(RESULTS_DIR, `${name}-1280-dark.png`), fullPage: true });
  await page.emulateMedia({ colorScheme: "light" });
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
  const { page: fresh, close } = await openPage();
  weights.push(await measurePage(fresh, live.base, path));
  await close();
}

/** Creates a poll through the API as `token`'s account; the ids are what the page tests vote with. */
async function createPollAs(token: string, body: Record<string, unknown>) {
  const created = await live.postJson("/polls", body, token);
  expect(created.status).toBe(201);
  return created.body as { id: string; questions: Array<{ id: string; choices: Array<{ id: string }> }> };
}

describe.skipIf(!CHROMIUM)("pages in a browser", () => {
  afterAll(async () => {
    if (weights.length) await saveWeights(weights);
  });

  it("GitHub profile: sorts and filters the repositories, by mouse and keyboard", async () => {
    const { page, problems, close } = await openPage();
    await page.goto(`${live.base}/gh/octocat`);
    await page.locator("#chart-languages canvas").first().waitFor();
    await expect
      .poll(() => page.locator("#cache-status").getAttribute("data-state"))
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
    expect(byName.length).toBe(10); // 12 repositories, 2 of them forks (left out)
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

    // The location is labelled, not a stray word before the link.
    expect(await page.locator("#profile-facts").textContent()).toBe("Location: Internet");
    await expect.poll(() => page.getByRole("link", { name: "octocat's profile on GitHub" }).count()).toBe(1);

    const lightGrid = await cssVariable(page, "--grid");
    await auditAndCapture(page, "github", "/gh/octocat", ["#chart-languages"]);
    expect(problems).toEqual([]);
    await close();

    // Loaded straight into dark mode: drawn in dark colours from the start.
    const dark = await openPage({ colorScheme: "dark" });
    await dark.page.goto(`${live.base}/gh/octocat`);
    await dark.page.locator("#chart-languages canvas").first().waitFor();
    await expectChartInScheme(dark.page, "#chart-languages", lightGrid);
    await dark.close();
  }, 90_000);

  it("poll: a vote moves the bars, another voter's vote arrives without reload, and the form works without JS", async () => {
    const email = `pages-${crypto.randomUUID().slice(0, 8)}@devhub.test`;
    const owner = await live.postJson("/auth/register", {
      email,
      password: "tangerine-Otter-42-skyline",
      display_name: "Owner",
    });
    const poll = await createPollAs(owner.body.access_token as string, {
      title: "Which editor? <b>bold</b>",
      description: "Pick one, and any extras.",
      voters: "anonymous",
      results_visibility: "always",
      questions: [
        { prompt: "Editor", choices: [{ label: "Vim" }, { label: "Emacs" }, { label: "VS Code" }] },
        { prompt: "Extras", kind: "multiple", choices: [{ label: "Themes" }, { label: "Plugins" }] },
      ],
    });

    const { page, problems, close } = await openPage();
    await page.goto(`${live.base}/p/${poll.id}`);
    expect(await page.locator("h1").textContent()).toBe("Which editor? <b>bold</b>");
    expect(await meterValue(page, "Emacs")).toBe("0");
    // The socket opens after the page's script runs: on a loaded machine that can take seconds.
    await expect.poll(() => liveMode(page), { timeout: 10_000 }).toBe("live");
    expect(await page.locator("#live-status").textContent()).toMatch(/^Live/);
    await page.getByLabel("Emacs", { exact: true }).check();
    await page.getByLabel("Plugins", { exact: true }).check();
    const ownRead = page.waitForResponse((response) => response.url().endsWith(`/polls/${poll.id}/results`));
    await page.getByRole("button", { name: "Vote", exact: true }).click();
    await expect.poll(() => page.locator("#message").textContent()).toBe("Your vote was recorded.");
    await expect.poll(() => meterValue(page, "Emacs")).toBe("100");
    await ownRead;

    // Someone else votes through the API: the update reaches the open page over the socket,
    // with no HTTP read of the results (the fallback would need one every 3 s).
    const reads = await countResultReads(page, poll.id);
    const sent = Date.now();
    expect(await voteFirstChoices(live.base, poll)).toBe(201);
    await expect.poll(() => meterValue(page, "Vim"), { timeout: 15_000 }).toBe("50");
    console.log(`poll page: another client's vote shown after ${Date.now() - sent} ms (socket)`);
    expect(reads.count).toBe(0);
    expect(await liveMode(page)).toBe("live");
    expect(await meterValue(page, "Emacs")).toBe("50");
    await auditAndCapture(page, "poll", `/p/${poll.id}`);
    expect(problems).toEqual([]);
    await close();

    const plain = await openPage({ javaScriptEnabled: false });
    await plain.page.goto(`${live.base}/p/${poll.id}`);
    await plain.page.getByLabel("VS Code", { exact: true }).check();
    await plain.page.getByLabel("Themes", { exact: true }).check();
    await plain.page.getByRole("button", { name: "Vote", exact: true }).click();
    await plain.page.waitForURL(/outcome=voted/);
    expect(await plain.page.locator("#message").textContent()).toBe("Your vote was recorded.");
    expect(await plain.page.locator("[data-total]").textContent()).toBe("3");
    expect(await meterValue(plain.page, "VS Code")).toBe("33.3");
    await plain.close();
  }, 90_000);

  it("poll, signed in: results hidden until the vote, then live over a socket that carries the token", async () => {
    const password = "tangerine-Otter-42-skyline";
    const account = async (name: string) => {
      const email = `${name}-${crypto.randomUUID().slice(0, 8)}@devhub.test`;
      const registered = await live.postJson("/auth/register", { email, password, display_name: name });
      return { email, token: registered.body.access_token as string };
    };
    const [owner, voter, other] = [await account("owner"), await account("voter"), await account("other")];
    const poll = await createPollAs(owner.token, {
      title: "Signed-in live",
      voters: "authenticated",
      results_visibility: "after_vote",
      questions: [{ prompt: "Tea or coffee?", choices: [{ label: "Tea" }, { label: "Coffee" }] }],
    });

    const { page, problems, close } = await openPage();
    await page.goto(`${live.base}/p/${poll.id}`);
    // Hidden until this viewer votes: the page neither opens a socket nor polls for them.
    await expect.poll(() => liveMode(page), { timeout: 10_000 }).toBe("hidden");
    expect(await page.locator("#live-status").isVisible()).toBe(false);
    await page.getByLabel("Email").fill(voter.email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#signed-in").isVisible()).toBe(true);
    await page.getByLabel("Coffee", { exact: true }).check();
    await page.getByRole("button", { name: "Vote", exact: true }).click();
    await expect.poll(() => page.locator("#message").textContent()).toBe("Your vote was recorded.");
    // The socket opens only as this account: its token rides as the `bearer.<jwt>` subprotocol.
    await expect.poll(() => liveMode(page), { timeout: 10_000 }).toBe("live");
    await expect.poll(() => meterValue(page, "Coffee")).toBe("100");

    const reads = await countResultReads(page, poll.id);
    expect(await voteFirstChoices(live.base, poll, other.token)).toBe(201);
    await expect.poll(() => meterValue(page, "Tea"), { timeout: 15_000 }).toBe("50");
    expect(reads.count).toBe(0);

    // The CSV link is the owner's: the API shows owner_id to the owner and admins only.
    expect(await page.locator("#csv").isVisible()).toBe(false);
    await page.locator("#sign-out").click();
    await expect.poll(() => page.locator("#sign-in").isVisible()).toBe(true);
    await page.getByLabel("Email").fill(owner.email);
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#signed-in").isVisible()).toBe(true);
    await expect.poll(() => page.locator("#csv").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(problems).toEqual([]);
    await close();
  }, 90_000);

  it("poll: without a WebSocket the page says so and polls, and another vote still arrives", async () => {
    const owner = await live.postJson("/auth/register", {
      email: `fallback-${crypto.randomUUID().slice(0, 8)}@devhub.test`,
      password: "tangerine-Otter-42-skyline",
      display_name: "Owner",
    });
    const poll = await createPollAs(owner.body.access_token as string, {
      title: "Fallback",
      voters: "anonymous",
      questions: [{ prompt: "Yes or no?", choices: [{ label: "Yes" }, { label: "No" }] }],
    });
    const { page, problems, close } = await openPage();
    // As a proxy that refuses WebSockets would: every socket to the live endpoint is closed.
    await page.routeWebSocket(/\/results\/live$/, (socket) => socket.close({ code: 1011 }));
    await page.goto(`${live.base}/p/${poll.id}`);
    await expect.poll(() => liveMode(page), { timeout: 10_000 }).toBe("polling");
    expect(await page.locator("#live-status").textContent()).toBe("Refreshing every 3 s.");
    const reads = await countResultReads(page, poll.id);
    expect(await voteFirstChoices(live.base, poll)).toBe(201);
    await expect.poll(() => meterValue(page, "Yes"), { timeout: 15_000 }).toBe("100");
    expect(reads.count).toBeGreaterThan(0);
    expect(problems).toEqual([]);
    await close();
  }, 90_000);

  it("status: a burst of requests shows up in the request chart without reloading", async () => {
    const { page, problems, close } = await openPage();
    await page.goto(`${live.base}/status`);
    const chart = page.locator("#chart-requests");
    await expect.poll(() => chart.getAttribute("data-sum"), { timeout: 15_000 }).not.toBeNull();
    const before = Number(await chart.getAttribute("data-sum"));
    await Promise.all(
      Array.from({ length: 40 }, () => fetch(`${live.base}/health`).then((response) => response.text())),
    );
    await expect
      .poll(async () => Number(await chart.getAttribute("data-sum")), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(before + 40);
    await expect.poll(() => page.locator("#routes th", { hasText: "GET /health" }).count()).toBe(1);
    await expect
      .poll(() => page.locator("#chart-routes canvas").count(), { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await page.locator("#environment").textContent()).toBe("local");
    // Time ticks sit at least a label's width (plus a gap) apart, so labels never run together.
    const axis = JSON.parse((await page.locator("#chart-routes").getAttribute("data-x-axis")) ?? "null") as {
      font: string;
      space: number;
      labels: string[];
    };
    expect(axis.labels.length).toBeGreaterThan(1);
    // Real clock times since the page opened: distinct, none from a scale spanning decades.
    expect(new Set(axis.labels).size).toBe(axis.labels.length);
    const widest = await page.locator("#chart-routes canvas").evaluate((canvas, { font, labels }) => {
      const context = (canvas as unknown as { getContext(kind: "2d"): CanvasText }).getContext("2d");
      context.font = font;
      return Math.max(...labels.map((label) => context.measureText(label).width));
    }, axis);
    expect(axis.space).toBeGreaterThanOrEqual(widest + 8);
    await auditAndCapture(page, "status", "/status", ["#chart-requests", "#chart-routes"]);
    expect(problems).toEqual([]);
    await close();
  }, 90_000);
});
