/**
 * The voter's own ballot on the poll page, in headless Chromium against `npm start`: vote,
 * reload and find the answer checked, change it (the results follow), withdraw it; a poll whose
 * votes are final says so; an invite link (#invite=…) opens an invite-only poll, the token leaves
 * the address bar and stays in the tab, and a second browser using the same invitation is
 * refused in words. Then axe at 375 and 1440 px, light and dark, with screenshots.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CHROMIUM, openWatchedPage, useBrowserStack } from "../helpers/browser.ts";
import { auditPages } from "../helpers/page-audit.ts";
import { RESULTS_DIR } from "../helpers/page-checks.ts";
import { meterValue } from "../helpers/poll-page.ts";

if (!CHROMIUM) console.log("SKIPPED poll ballot browser check: no Chromium (apt-get install -y chromium).");

const live = useBrowserStack();
const SLOW = 20_000;
const PASSWORD = "tangerine-Otter-42-skyline";
const DRINKS = [
  { prompt: "Tea or coffee?", choices: [{ label: "Tea" }, { label: "Coffee" }, { label: "Water" }] },
];

type Options = Parameters<typeof openWatchedPage>[1];
const openPage = (options: Options = {}) => openWatchedPage(live.browser, options);

/** A poll made through the API by a fresh account; `invite()` issues one invitation token. */
async function pollByApi(body: Record<string, unknown>) {
  const email = `owner-${crypto.randomUUID().slice(0, 8)}@devhub.test`;
  const owner = await live.postJson("/auth/register", { email, password: PASSWORD, display_name: "O" });
  const token = owner.body.access_token as string;
  const poll = (await live.postJson("/polls", body, token)).body as { id: string };
  const invite = async () =>
    (await live.postJson(`/polls/${poll.id}/invites`, {}, token)).body.token as string;
  return { id: poll.id, email, invite };
}

/** Signs in through the page's account section (the poll owner's account). */
async function signInOnPage(page: Page, email: string): Promise<void> {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

const messageOf = (page: Page) => page.locator("#message").textContent();
const checked = (page: Page, label: string) => page.getByLabel(label, { exact: true }).isChecked();
const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });

describe.skipIf(!CHROMIUM)("the voter's own ballot on the poll page", () => {
  it("a voter votes, reloads and sees the answer checked, changes it (the results follow), and withdraws", async () => {
    const poll = await pollByApi({ title: "Drinks", voters: "anonymous", questions: DRINKS });
    const { page, problems, close } = await openPage();
    await page.goto(`${live.base}/p/${poll.id}`);
    expect(await button(page, "Change my vote").isVisible()).toBe(false);
    await page.getByLabel("Tea", { exact: true }).check();
    await button(page, "Vote").click();
    await expect.poll(() => messageOf(page), { timeout: SLOW }).toBe("Your vote was recorded.");
    await expect.poll(() => meterValue(page, "Tea"), { timeout: SLOW }).toBe("100");
    await expect.poll(() => button(page, "Change my vote").isVisible(), { timeout: SLOW }).toBe(true);
    expect(await button(page, "Vote").isVisible()).toBe(false);

    await page.reload();
    expect(await messageOf(page)).toBe("You have voted in this poll.");
    expect(await checked(page, "Tea")).toBe(true);
    expect(await checked(page, "Coffee")).toBe(false);
    await expect.poll(() => button(page, "Change my vote").isVisible(), { timeout: SLOW }).toBe(true);

    await page.getByLabel("Coffee", { exact: true }).check();
    await button(page, "Change my vote").click();
    await expect.poll(() => messageOf(page), { timeout: SLOW }).toBe("Your vote was changed.");
    await expect.poll(() => meterValue(page, "Coffee"), { timeout: SLOW }).toBe("100");
    expect(await meterValue(page, "Tea")).toBe("0");
    await page.screenshot({ path: join(RESULTS_DIR, "poll-ballot-changed-1280.png"), fullPage: true });

    await button(page, "Withdraw my vote").click();
    await expect
      .poll(() => messageOf(page), { timeout: SLOW })
      .toBe("Your vote was withdrawn; it no longer counts. You may vote again.");
    await expect.poll(() => page.locator("#results [data-total]").textContent(), { timeout: SLOW }).toBe("0");
    expect(await checked(page, "Coffee")).toBe(false);
    expect(await button(page, "Vote").isEnabled()).toBe(true);
    expect(await button(page, "Withdraw my vote").isVisible()).toBe(false);

    await page.reload();
    expect(await messageOf(page)).toBe("");
    expect(await checked(page, "Coffee")).toBe(false);
    expect(problems).toEqual([]);
    await close();
  }, 90_000);

  it("a poll whose votes are final says so, and offers no change after the vote", async () => {
    const poll = await pollByApi({
      title: "Final",
      voters: "anonymous",
      allow_vote_changes: false,
      questions: DRINKS,
    });
    const { page, problems, close } = await openPage();
    await page.goto(`${live.base}/p/${poll.id}`);
    expect(await page.locator("#vote-final").textContent()).toBe(
      "Votes in this poll are final: they cannot be changed or withdrawn once cast.",
    );
    await page.getByLabel("Water", { exact: true }).check();
    await button(page, "Vote").click();
    await expect.poll(() => messageOf(page), { timeout: SLOW }).toBe("Your vote was recorded.");
    await page.reload();
    expect(await checked(page, "Water")).toBe(true);
    await expect
      .poll(() => page.getByLabel("Water", { exact: true }).isDisabled(), { timeout: SLOW })
      .toBe(true);
    expect(await button(page, "Change my vote").isVisible()).toBe(false);
    expect(await button(page, "Withdraw my vote").isVisible()).toBe(false);
    expect(await page.locator("#vote-final").isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await close();
  }, 60_000);

  it("an invite link opens an invite-only poll; a second browser with the same invitation is refused in words", async () => {
    const poll = await pollByApi({ title: "Invited", voters: "invited", questions: DRINKS });
    const token = await poll.invite();
    expect(token).toMatch(/^dhi_/);

    const stranger = await openPage();
    await stranger.page.goto(`${live.base}/p/${poll.id}`);
    expect(await stranger.page.locator("#vote").isVisible()).toBe(false);
    expect(await stranger.page.locator("#vote-needs-invite").isVisible()).toBe(true);
    await stranger.close();

    const first = await openPage();
    const second = await openPage();
    await first.page.goto(`${live.base}/p/${poll.id}#invite=${token}`);
    // Both open the link before either votes.
    await second.page.goto(`${live.base}/p/${poll.id}?invite=${token}`);
    for (const { page } of [first, second]) {
      await expect.poll(() => page.locator("#vote").isVisible(), { timeout: SLOW }).toBe(true);
      expect(await page.locator("#vote-needs-invite").isVisible()).toBe(false);
      // Out of the address bar (and so of a copied link), kept in the tab.
      expect(page.url()).toBe(`${live.base}/p/${poll.id}`);
    }

    await first.page.getByLabel("Tea", { exact: true }).check();
    await button(first.page, "Vote").click();
    await expect.poll(() => messageOf(first.page), { timeout: SLOW }).toBe("Your vote was recorded.");
    await expect.poll(() => meterValue(first.page, "Tea"), { timeout: SLOW }).toBe("100");

    await second.page.getByLabel("Coffee", { exact: true }).check();
    await button(second.page, "Vote").click();
    await expect.poll(() => messageOf(second.page), { timeout: SLOW }).toMatch(/already voted/i);
    expect(await second.page.locator("#message").getAttribute("class")).toBe("notice error");
    await expect.poll(() => meterValue(second.page, "Coffee"), { timeout: SLOW }).toBe("0");

    // The tab keeps the invitation across a reload: the ballot is read back through it.
    await first.page.reload();
    await expect.poll(() => checked(first.page, "Tea"), { timeout: SLOW }).toBe(true);
    await expect.poll(() => button(first.page, "Change my vote").isVisible(), { timeout: SLOW }).toBe(true);

    // A link whose token the poll does not know (mistyped, revoked) is refused in words too.
    const unknown = await openPage();
    await unknown.page.goto(`${live.base}/p/${poll.id}#invite=dhi_${"A".repeat(43)}`);
    await unknown.page.getByLabel("Water", { exact: true }).check();
    await button(unknown.page, "Vote").click();
    await expect
      .poll(() => messageOf(unknown.page), { timeout: SLOW })
      .toBe(
        "This invitation was not accepted (revoked, or the link is incomplete): ask the poll's owner for a new link.",
      );
    expect([...first.problems, ...second.problems, ...unknown.problems]).toEqual([]);
    await first.close();
    await second.close();
    await unknown.close();
  }, 90_000);

  it("the owner of an invite-only poll creates an invite link on the page, and a visitor votes through it", async () => {
    const poll = await pollByApi({ title: "Owner invites", voters: "invited", questions: DRINKS });
    const owner = await openPage();
    await owner.page.goto(`${live.base}/p/${poll.id}`);
    expect(await owner.page.locator("#invites").isVisible()).toBe(false);
    await signInOnPage(owner.page, poll.email);
    await expect.poll(() => owner.page.locator("#invites").isVisible(), { timeout: SLOW }).toBe(true);
    await owner.page.getByLabel("Who it is for (optional, for your own list)").fill("Ada");
    await button(owner.page, "Create an invite link").click();
    await expect
      .poll(() => owner.page.locator("#invite-message").textContent(), { timeout: SLOW })
      .toBe("Invite link created for Ada. It is shown this once: copy it now.");
    const link = await owner.page.getByLabel("New invite link").inputValue();
    expect(link).toMatch(new RegExp(`^${live.base}/p/${poll.id}#invite=dhi_[A-Za-z0-9_-]{43}$`));
    await owner.page.screenshot({
      path: join(RESULTS_DIR, "poll-ballot-owner-invites-1280.png"),
      fullPage: true,
    });

    const voter = await openPage();
    await voter.page.goto(link);
    // A visitor is not the owner: no invite section.
    expect(await voter.page.locator("#invites").isVisible()).toBe(false);
    await voter.page.getByLabel("Water", { exact: true }).check();
    await button(voter.page, "Vote").click();
    await expect.poll(() => messageOf(voter.page), { timeout: SLOW }).toBe("Your vote was recorded.");
    await expect.poll(() => meterValue(owner.page, "Water"), { timeout: SLOW }).toBe("100");
    expect([...owner.problems, ...voter.problems]).toEqual([]);
    await owner.close();
    await voter.close();
  }, 90_000);

  it("an anonymous read still on its way when the owner signs in does not hide the owner's invite section", async () => {
    const poll = await pollByApi({ title: "Late read", voters: "invited", questions: DRINKS });
    const { page, problems, close } = await openPage();
    // Holds the page's first read of the poll (made before sign-in, without a token) until the
    // signed-in view is complete: its late answer must not undo what the owner now sees.
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(`${live.base}/polls/${poll.id}`, async (route) => {
      if (!route.request().headers().authorization) await released;
      await route.continue();
    });
    const signedInSocket = page.waitForEvent("websocket", (socket) => socket.url().endsWith("/results/live"));
    await page.goto(`${live.base}/p/${poll.id}`);
    await signInOnPage(page, poll.email);
    await button(page, "Create an invite link").waitFor({ timeout: SLOW });
    // The signed-in chain ends by opening the live socket; only then may the old read land.
    await signedInSocket;
    const afterLateRead = page.waitForRequest((request) =>
      request.url().endsWith(`/polls/${poll.id}/results`),
    );
    release();
    await afterLateRead;
    expect(await button(page, "Create an invite link").isVisible()).toBe(true);
    expect(problems).toEqual([]);
    await close();
  }, 90_000);

  it("axe finds nothing serious on the voted page and the owner's invite-only page, at 375 and 1440 px, light and dark", async () => {
    const anonymous = await pollByApi({ title: "Axe drinks", voters: "anonymous", questions: DRINKS });
    const invited = await pollByApi({ title: "Axe invited", voters: "invited", questions: DRINKS });
    const accountShown = (page: Page) => page.locator("#account:not([hidden])").waitFor();
    await auditPages({
      browser: live.browser,
      base: live.base,
      // Each context votes once, so the anonymous poll shows the voter's own ballot.
      prepare: async (page) => {
        await page.goto(`${live.base}/p/${anonymous.id}`);
        if (!(await button(page, "Change my vote").isVisible())) {
          await page.getByLabel("Tea", { exact: true }).check();
          await button(page, "Vote").click();
        }
        await button(page, "Change my vote").waitFor({ timeout: SLOW });
      },
      pages: [
        { name: "poll-ballot-voted", path: `/p/${anonymous.id}`, ready: accountShown },
        {
          name: "poll-ballot-invite-owner",
          path: `/p/${invited.id}`,
          // The owner's view: the invitation note (no invitation in this tab) and a fresh link.
          ready: async (page) => {
            await accountShown(page);
            await signInOnPage(page, invited.email);
            await button(page, "Create an invite link").click();
            await page.locator("#invite-link-row:not([hidden])").waitFor({ timeout: SLOW });
          },
        },
      ],
    });
  }, 120_000);
});
