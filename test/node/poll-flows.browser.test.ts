/**
 * What a person does with polls on the pages alone, in headless Chromium against `npm start`:
 * register on a sign-in-only poll and vote; create a poll on /p/new, copy its link and vote
 * from a second browser (timed: a fresh visit to a voted poll, no API call by hand); vote with
 * JavaScript off, a refused vote keeping its answers; a page that does not ask for results it
 * may not see, nor while its tab is hidden; sending and error states. Then axe on the new and
 * changed pages at 375 and 1440 px, light and dark, with screenshots in test-results/pages/.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CHROMIUM, openWatchedPage, useBrowserStack } from "../helpers/browser.ts";
import { auditPages } from "../helpers/page-audit.ts";
import { RESULTS_DIR } from "../helpers/page-checks.ts";
import { countResultReads, liveMode, meterValue } from "../helpers/poll-page.ts";

if (!CHROMIUM) console.log("SKIPPED poll flows browser check: no Chromium (apt-get install -y chromium).");

const live = useBrowserStack();
const PASSWORD = "tangerine-Otter-42-skyline";
/** How long to wait for what hashes a password or crosses the stack on a loaded machine. */
const SLOW = 20_000;

type Options = Parameters<typeof openWatchedPage>[1];
const openPage = (options: Options = {}) => openWatchedPage(live.browser, options);
const uniqueEmail = (name: string) => `${name}-${crypto.randomUUID().slice(0, 8)}@devhub.test`;

/** A poll made through the API by a fresh account, for the tests that start on its page. */
async function pollByApi(body: Record<string, unknown>): Promise<{ id: string }> {
  const owner = await live.postJson("/auth/register", {
    email: uniqueEmail("owner"),
    password: PASSWORD,
    display_name: "O",
  });
  return (await live.postJson("/polls", body, owner.body.access_token as string)).body as { id: string };
}

/** Registers through the page's account section (its "Create an account" mode). */
async function registerOnPage(page: Page, name: string): Promise<void> {
  await page.getByRole("button", { name: "Create an account" }).click();
  await page.getByLabel("Your name").fill(name);
  await page.getByLabel("Email").fill(uniqueEmail(name.toLowerCase()));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account", exact: true }).click();
  await expect
    .poll(() => page.locator("#signed-in").textContent(), { timeout: SLOW })
    .toBe(`Signed in as ${name}. Sign out`);
}

describe.skipIf(!CHROMIUM)("poll flows on the pages", () => {
  it("a visitor on a sign-in-only poll registers right there and votes; a refused registration says why", async () => {
    const poll = await pollByApi({
      title: "Members only",
      questions: [{ prompt: "Tea or coffee?", choices: [{ label: "Tea" }, { label: "Coffee" }] }],
    });
    const { page, problems, close } = await openPage();
    await page.goto(`${live.base}/p/${poll.id}`);
    // No Vote form it cannot use: a pointer to the account section instead.
    expect(await page.locator("#vote").isVisible()).toBe(false);
    expect(await page.locator("#vote-needs-account").isVisible()).toBe(true);
    await page.getByRole("link", { name: "sign in or create one below" }).click();

    await page.getByRole("button", { name: "Create an account" }).click();
    await page.getByLabel("Your name").fill("Ada");
    await page.getByLabel("Email").fill(uniqueEmail("weak"));
    await page.getByLabel("Password").fill("short");
    await page.getByRole("button", { name: "Create account", exact: true }).click();
    await expect
      .poll(() => page.locator("#account-message").textContent(), { timeout: SLOW })
      .toMatch(/Password: .*at least 8/);
    expect(await page.locator("#account-message").getAttribute("class")).toBe("notice error");
    expect(await page.locator("#vote").isVisible()).toBe(false);

    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account", exact: true }).click();
    await expect
      .poll(() => page.locator("#signed-in").textContent(), { timeout: SLOW })
      .toBe("Signed in as Ada. Sign out");
    expect(await page.locator("#vote-needs-account").isVisible()).toBe(false);
    await page.getByLabel("Coffee", { exact: true }).check();
    await page.getByRole("button", { name: "Vote", exact: true }).click();
    await expect
      .poll(() => page.locator("#message").textContent(), { timeout: SLOW })
      .toBe("Your vote was recorded.");
    await expect.poll(() => meterValue(page, "Coffee"), { timeout: SLOW }).toBe("100");
    expect(problems).toEqual([]);
    await close();
  }, 90_000);

  it("creates a poll on /p/new, copies its link, and a second browser votes on it: timed from a fresh visit", async () => {
    const started = Date.now();
    const author = await openPage({ timezoneId: "Asia/Tokyo" });
    await author.page
      .context()
      .grantPermissions(["clipboard-read", "clipboard-write"], { origin: live.base });
    const { page } = author;
    await page.goto(`${live.base}/`);
    await page.getByRole("link", { name: "Polls", exact: true }).click();
    await page.getByRole("link", { name: "Create a poll" }).click();
    await page.waitForURL(/\/p\/new$/);
    await registerOnPage(page, "Grace");
    await page.getByLabel("Title").fill("Team offsite <i>day</i>");
    await page.getByLabel("Question").fill("Which day?");
    await page.getByLabel("Several choices per voter").check();
    await page.getByLabel("Options, one per line").fill("Tuesday\n\nWednesday\n  Thursday  ");
    // 09:30 in Tokyo (UTC+9, no DST) on a fixed future day is 00:30 UTC that day.
    const day = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel("Closes at (optional)").fill(`${day}T09:30`);
    await page.getByLabel("Each voter, once they have voted").check();
    expect(await page.locator("#closes-hint").textContent()).toContain("Asia/Tokyo");
    await page.getByRole("button", { name: "Create poll" }).click();
    await page.waitForURL(/\/p\/[0-9a-f-]{36}\?outcome=created$/);
    const id = new URL(page.url()).pathname.split("/")[2] as string;
    expect(await page.locator("h1").textContent()).toBe("Team offsite <i>day</i>");
    expect(await page.locator("#message").textContent()).toContain("Your poll is ready.");

    const created = (await (await fetch(`${live.base}/polls/${id}`)).json()) as Record<string, unknown>;
    expect(Date.parse(created.closes_at as string)).toBe(Date.parse(`${day}T00:30:00Z`));
    expect(created.results_visibility).toBe("after_vote");
    expect(created.voters).toBe("anonymous");
    // The closing time in the author's zone and in words; the UTC text only in the tooltip.
    const closes = page.locator("time[data-local-time]").first();
    expect(await closes.textContent()).toMatch(/09:30( AM)? GMT\+9 \(in (2|3) days\)$/);
    expect(await closes.getAttribute("title")).toBe(`${day} 00:30 UTC`);

    await page.getByRole("button", { name: "Copy link" }).click();
    await expect
      .poll(() => page.locator("#copy-status").textContent(), { timeout: SLOW })
      .toBe("Link copied.");
    const link = await page.evaluate(() =>
      (
        globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }
      ).navigator.clipboard.readText(),
    );
    expect(link).toBe(`${live.base}/p/${id}`);
    await page.screenshot({ path: join(RESULTS_DIR, "poll-created-1440.png"), fullPage: true });
    expect(author.problems).toEqual([]);

    const voter = await openPage();
    await voter.page.goto(link);
    await voter.page.getByLabel("Wednesday", { exact: true }).check();
    await voter.page.getByLabel("Thursday", { exact: true }).check();
    await voter.page.getByRole("button", { name: "Vote", exact: true }).click();
    await expect
      .poll(() => voter.page.locator("#message").textContent(), { timeout: SLOW })
      .toBe("Your vote was recorded.");
    await expect.poll(() => meterValue(voter.page, "Thursday"), { timeout: SLOW }).toBe("100");
    console.log(
      `poll flows: fresh visit of / to a created, shared and voted poll in ${Date.now() - started} ms`,
    );
    expect(voter.problems).toEqual([]);
    await voter.close();
    await author.close();
  }, 120_000);

  it("without JavaScript: a refused vote keeps its answers, a counted one disables the form, and a reload remembers", async () => {
    const poll = await pollByApi({
      title: "No script",
      voters: "anonymous",
      results_visibility: "after_vote",
      questions: [
        { prompt: "Editor", choices: [{ label: "Vim" }, { label: "Emacs" }] },
        {
          prompt: "Extras",
          kind: "multiple",
          max_selections: 2,
          choices: [{ label: "Themes" }, { label: "Plugins" }, { label: "Macros" }],
        },
      ],
    });
    const { page, problems, close } = await openPage({ javaScriptEnabled: false });
    await page.goto(`${live.base}/p/${poll.id}`);
    expect(await page.locator("#results").textContent()).toContain("Results are shown after you vote.");
    // Nothing that needs script is offered: no copy button, no account section.
    expect(await page.locator("#copy-link").isVisible()).toBe(false);
    expect(await page.locator("#account").isVisible()).toBe(false);
    expect(await page.locator("#share-url").inputValue()).toBe(`${live.base}/p/${poll.id}`);
    expect(await page.locator("time[data-local-time]").first().textContent()).toMatch(/ UTC$/);

    await page.getByLabel("Emacs", { exact: true }).check();
    for (const extra of ["Themes", "Plugins", "Macros"])
      await page.getByLabel(extra, { exact: true }).check();
    await page.getByRole("button", { name: "Vote", exact: true }).click();
    await page.waitForURL(/outcome=validation-failed/);
    expect(await page.locator("#message").textContent()).toBe(
      "Please answer every question within its limits.",
    );
    for (const kept of ["Emacs", "Themes", "Plugins", "Macros"])
      expect(await page.getByLabel(kept, { exact: true }).isChecked(), kept).toBe(true);

    await page.getByLabel("Macros", { exact: true }).uncheck();
    await page.getByRole("button", { name: "Vote", exact: true }).click();
    await page.waitForURL(/outcome=voted/);
    expect(await page.locator("#message").textContent()).toBe("Your vote was recorded.");
    expect(await page.getByRole("button", { name: "Vote", exact: true }).isDisabled()).toBe(true);
    expect(await page.getByLabel("Vim", { exact: true }).isDisabled()).toBe(true);
    expect(await meterValue(page, "Emacs")).toBe("100");
    await page.screenshot({ path: join(RESULTS_DIR, "poll-nojs-voted-1280.png"), fullPage: true });

    // The voter cookie reaches /p/: the page itself knows this browser voted.
    await page.goto(`${live.base}/p/${poll.id}`);
    expect(await page.locator("#message").textContent()).toBe("You have voted in this poll.");
    expect(await page.getByRole("button", { name: "Vote", exact: true }).isDisabled()).toBe(true);
    expect(await meterValue(page, "Plugins")).toBe("100");
    expect(problems).toEqual([]);
    await close();
  }, 90_000);

  it("hidden results are not polled for, polling pauses in a hidden tab, and a vote shows sending then a retryable error", async () => {
    const hidden = await pollByApi({
      title: "After vote",
      voters: "anonymous",
      results_visibility: "after_vote",
      questions: [{ prompt: "Yes or no?", choices: [{ label: "Yes" }, { label: "No" }] }],
    });
    const { page, problems, close } = await openPage();
    const reads = await countResultReads(page, hidden.id);
    await page.goto(`${live.base}/p/${hidden.id}`);
    await expect.poll(() => liveMode(page), { timeout: SLOW }).toBe("hidden");
    await page.waitForTimeout(7_000);
    expect(reads.count).toBe(1);

    // Sending: the button says so and is disabled; a refusal is shown in words, a lost
    // connection too, and each leaves the button for a retry.
    const failures = ["problem", "network"];
    const votes = `**/polls/${hidden.id}/votes`;
    await page.route(votes, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      const failure = failures.shift();
      if (failure === "network") return route.abort("failed");
      return route.fulfill({
        status: 503,
        contentType: "application/problem+json",
        body: JSON.stringify({
          type: "about:blank",
          status: 503,
          detail: "The database is busy; try again.",
        }),
      });
    });
    await page.getByLabel("Yes", { exact: true }).check();
    await page.locator("#submit-vote").click();
    await expect.poll(() => page.locator("#submit-vote").textContent(), { timeout: SLOW }).toBe("Sending…");
    expect(await page.locator("#submit-vote").isDisabled()).toBe(true);
    await expect
      .poll(() => page.locator("#message").textContent(), { timeout: SLOW })
      .toBe("The database is busy; try again.");
    expect(await page.locator("#message").getAttribute("class")).toBe("notice error");
    expect(await page.locator("#submit-vote").isDisabled()).toBe(false);
    await page.locator("#submit-vote").click();
    await expect
      .poll(() => page.locator("#message").textContent())
      .toBe("Could not reach the server. Check your connection and try again.");
    expect(await page.locator("#submit-vote").isDisabled()).toBe(false);
    expect(await page.locator("#submit-vote").textContent()).toBe("Vote");
    await page.unroute(votes);
    await page.locator("#submit-vote").click();
    await expect
      .poll(() => page.locator("#message").textContent(), { timeout: SLOW })
      .toBe("Your vote was recorded.");
    await expect.poll(() => liveMode(page), { timeout: SLOW }).toBe("live");
    await close();

    // A polling page (no WebSocket on the way) stops while its tab is hidden.
    const visible = await pollByApi({
      title: "Always",
      voters: "anonymous",
      questions: [{ prompt: "Yes or no?", choices: [{ label: "Yes" }, { label: "No" }] }],
    });
    const second = await openPage();
    await second.page.routeWebSocket(/\/results\/live$/, (socket) => socket.close({ code: 1011 }));
    await second.page.goto(`${live.base}/p/${visible.id}`);
    await expect.poll(() => liveMode(second.page), { timeout: SLOW }).toBe("polling");
    const setHidden = (value: boolean) =>
      second.page.evaluate((hide) => {
        const doc = (globalThis as unknown as { document: { dispatchEvent(e: unknown): void } }).document;
        Object.defineProperty(doc, "hidden", { value: hide, configurable: true });
        doc.dispatchEvent(new Event("visibilitychange"));
      }, value);
    await setHidden(true);
    await second.page.waitForTimeout(3_500); // a read already under way may finish
    const paused = await countResultReads(second.page, visible.id);
    await second.page.waitForTimeout(7_000);
    expect(paused.count).toBe(0);
    await setHidden(false);
    await expect.poll(() => paused.count, { timeout: 5_000 }).toBeGreaterThan(0);
    expect([...problems, ...second.problems]).toEqual([]);
    await second.close();
  }, 90_000);

  it("axe finds nothing serious on /p/new and the changed poll page, at 375 and 1440 px, light and dark", async () => {
    const members = await pollByApi({
      title: "Axe members",
      closes_at: new Date(Date.now() + 86_400_000).toISOString(),
      questions: [{ prompt: "Tea or coffee?", choices: [{ label: "Tea" }, { label: "Coffee" }] }],
    });
    const registerMode = async (page: Page) => {
      await page.locator("#account:not([hidden])").waitFor();
      // The register mode too: its name field and password hint are audited.
      await page.getByRole("button", { name: "Create an account" }).click();
    };
    await auditPages({
      browser: live.browser,
      base: live.base,
      pages: [
        { name: "poll-new", path: "/p/new", ready: registerMode },
        { name: "poll-members", path: `/p/${members.id}`, ready: registerMode },
      ],
    });
  }, 120_000);
});
