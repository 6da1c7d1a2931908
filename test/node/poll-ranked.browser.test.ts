/**
 * A ranked question on the poll page, in headless Chromium against `npm start`: ranking with
 * the move buttons (focus stays on the moved choice, the move is announced) and with the rank
 * selects, the ballot read back through `votes/mine` in that order, a change from the shown
 * ranking, a repeated rank refused inline with nothing sent, the runoff's winner and rounds once
 * more ballots arrive, and axe at 375 and 1280 px, light and dark.
 */
import { join } from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { CHROMIUM, openWatchedPage, useBrowserStack } from "../helpers/browser.ts";
import { auditPages } from "../helpers/page-audit.ts";
import { RESULTS_DIR } from "../helpers/page-checks.ts";

if (!CHROMIUM) console.log("SKIPPED ranked poll browser check: no Chromium (apt-get install -y chromium).");

const live = useBrowserStack();
const SLOW = 20_000;
const PROMPT = `Rank <em>the</em> options & "pick"`;
const LABELS = ["Alpha", "Beta", "Gamma", "Delta"];

interface RankedPoll {
  id: string;
  question: string;
  choice: Record<string, string>;
}

/** A poll with one ranked question over the four LABELS (at most 3 ranked), made through the API. */
async function rankedPoll(): Promise<RankedPoll> {
  const headers = { "Content-Type": "application/json" };
  const email = `owner-${crypto.randomUUID().slice(0, 8)}@devhub.test`;
  const owner = (await (
    await fetch(`${live.base}/auth/register`, {
      method: "POST",
      headers,
      body: JSON.stringify({ email, password: "tangerine-Otter-42-skyline", display_name: "O" }),
    })
  ).json()) as { access_token: string };
  const body = {
    title: "Ranked lunch",
    voters: "anonymous",
    max_votes_per_ip: 100,
    questions: [
      { prompt: PROMPT, kind: "ranked", max_selections: 3, choices: LABELS.map((label) => ({ label })) },
    ],
  };
  const response = await fetch(`${live.base}/polls`, {
    method: "POST",
    headers: { ...headers, Authorization: `Bearer ${owner.access_token}` },
    body: JSON.stringify(body),
  });
  const poll = (await response.json()) as {
    id: string;
    questions: Array<{ id: string; choices: Array<{ id: string; label: string }> }>;
  };
  const question = poll.questions[0] as (typeof poll.questions)[number];
  return {
    id: poll.id,
    question: question.id,
    choice: Object.fromEntries(question.choices.map((choice) => [choice.label, choice.id])),
  };
}

/** Another voter's ballot through the JSON API (a fresh voter cookie), ranking `labels` in order. */
async function voteByApi(poll: RankedPoll, labels: string[]): Promise<number> {
  const visit = await fetch(`${live.base}/polls/${poll.id}`);
  await visit.arrayBuffer();
  const response = await fetch(`${live.base}/polls/${poll.id}/votes`, {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      Cookie: (visit.headers.get("set-cookie") ?? "").split(";")[0] as string,
    },
    body: JSON.stringify({
      answers: [{ question_id: poll.question, choice_ids: labels.map((label) => poll.choice[label]) }],
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** The page's own ballot, read as the page's browser (its voter cookie): labels in rank order. */
async function ballotOnRecord(page: Page, poll: RankedPoll): Promise<string[]> {
  const response = await page.request.get(`${live.base}/polls/${poll.id}/votes/mine`);
  expect(response.status()).toBe(200);
  const ballot = (await response.json()) as { answers: Array<{ choice_ids: string[] }> };
  const labelOf = new Map(Object.entries(poll.choice).map(([label, id]) => [id, label]));
  return (ballot.answers[0]?.choice_ids ?? []).map((id) => labelOf.get(id) ?? id);
}

const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
const move = (page: Page, direction: "up" | "down", label: string) =>
  button(page, `Move ${direction}: ${label}`).click();
const rankSelect = (page: Page, label: string) => page.getByLabel(label, { exact: true });
const messageOf = (page: Page) => page.locator("#message").textContent();
/** The choices' labels in the order the control lists them. */
const listed = (page: Page) => page.locator("#vote .rank-row label").allTextContents();
const ownRanking = (page: Page) => page.locator("#vote .own-ranking li").allTextContents();
const focusedLabel = (page: Page) =>
  page.evaluate<string | null>("document.activeElement.getAttribute('aria-label')");
const announced = (page: Page) => page.locator("#rank-announce").textContent();

/** Counts the ballots the page sends (POST or PUT) from now on. */
async function countBallotsSent(page: Page, pollId: string): Promise<{ readonly count: number }> {
  const sent = { count: 0 };
  await page.route(new RegExp(`/polls/${pollId}/votes(/mine)?$`), (route) => {
    if (route.request().method() !== "GET") sent.count += 1;
    return route.continue();
  });
  return sent;
}

describe.skipIf(!CHROMIUM)("a ranked question on the poll page", () => {
  it("ranks with the move buttons and the selects, sends that order, changes it, refuses a repeated rank inline, and shows the runoff", async () => {
    const poll = await rankedPoll();
    const { page, problems, close } = await openWatchedPage(live.browser);
    await page.goto(`${live.base}/p/${poll.id}`);
    // The owner's text is text: the prompt shows its markup as typed.
    expect(await page.locator("#vote legend").first().textContent()).toContain(PROMPT);
    expect(await page.locator("#vote em, #results em").count()).toBe(0);
    expect(await listed(page)).toEqual(LABELS);

    // Delta to rank 1, Beta below it, then Beta above it: by the buttons, focus following.
    await move(page, "up", "Delta");
    expect(await focusedLabel(page)).toBe("Move down: Delta");
    await expect.poll(() => announced(page)).toBe("Delta moved to rank 1.");
    await move(page, "up", "Beta");
    await expect.poll(() => announced(page)).toBe("Beta moved to rank 2.");
    await page.keyboard.press("Enter"); // focus stayed on Beta's "Move up"
    await expect.poll(() => announced(page)).toBe("Beta moved to rank 1.");
    expect(await focusedLabel(page)).toBe("Move down: Beta");
    // Gamma by its select.
    await rankSelect(page, "Gamma").selectOption("3");
    expect(await listed(page)).toEqual(["Beta", "Delta", "Gamma", "Alpha"]);
    expect(await rankSelect(page, "Delta").inputValue()).toBe("2");
    // Three ranked, the most this question takes: Alpha cannot move up into the ranking.
    expect(await button(page, "Move up: Alpha").isDisabled()).toBe(true);

    await button(page, "Vote").click();
    await expect.poll(() => messageOf(page), { timeout: SLOW }).toBe("Your vote was recorded.");
    expect(await ballotOnRecord(page, poll)).toEqual(["Beta", "Delta", "Gamma"]);
    await expect.poll(() => ownRanking(page), { timeout: SLOW }).toEqual(["Beta", "Delta", "Gamma"]);

    // A return visit: the ranking listed, and the change form starting from it.
    await page.reload();
    await expect.poll(() => button(page, "Change my vote").isVisible(), { timeout: SLOW }).toBe(true);
    expect(await ownRanking(page)).toEqual(["Beta", "Delta", "Gamma"]);
    expect(await listed(page)).toEqual(["Beta", "Delta", "Gamma", "Alpha"]);

    // A repeated rank: shown next to the question, described on its selects, nothing sent.
    const sent = await countBallotsSent(page, poll.id);
    await rankSelect(page, "Gamma").selectOption("1");
    await button(page, "Change my vote").click();
    const error = page.locator(`#rank-error-${poll.question}`);
    await expect.poll(() => error.isVisible()).toBe(true);
    expect(await error.textContent()).toBe(
      "Rank 1 is given to Beta and Gamma: give each rank to one choice.",
    );
    expect(await rankSelect(page, "Gamma").getAttribute("aria-describedby")).toContain(
      `rank-error-${poll.question}`,
    );
    expect(await rankSelect(page, "Gamma").getAttribute("aria-invalid")).toBe("true");
    expect(await rankSelect(page, "Delta").getAttribute("aria-invalid")).toBeNull();
    await page.waitForTimeout(500);
    expect(sent.count).toBe(0);
    expect(await ballotOnRecord(page, poll)).toEqual(["Beta", "Delta", "Gamma"]);

    // Fixed: Beta out, Alpha moved in at the end. The change goes through in the new order.
    await rankSelect(page, "Beta").selectOption("");
    expect(await error.isVisible()).toBe(false);
    await move(page, "up", "Alpha");
    await expect.poll(() => announced(page)).toBe("Alpha moved to rank 3.");
    await button(page, "Change my vote").click();
    await expect.poll(() => messageOf(page), { timeout: SLOW }).toBe("Your vote was changed.");
    expect(sent.count).toBe(1);
    expect(await ballotOnRecord(page, poll)).toEqual(["Gamma", "Delta", "Alpha"]);
    await expect.poll(() => ownRanking(page), { timeout: SLOW }).toEqual(["Gamma", "Delta", "Alpha"]);

    // More ballots through the API make a runoff: round 1 Alpha 2, the rest 1 each (Delta,
    // listed last, drops); round 2 Beta drops; round 3 Gamma has 3 of 5. The page follows live.
    for (const ranking of [["Alpha"], ["Alpha"], ["Beta", "Gamma"], ["Delta", "Gamma"]])
      expect(await voteByApi(poll, ranking)).toBe(201);
    const outcome = page.locator("#results .runoff-outcome");
    await expect
      .poll(() => outcome.textContent(), { timeout: SLOW })
      .toBe("Winner: Gamma, with 3 of 5 continuing ballots in round 3.");
    const table = page.locator("#results .runoff table");
    expect(await table.locator("caption").textContent()).toContain(
      "Round 1: a tie for fewest was settled by the choices' order",
    );
    expect(await table.locator("thead th").allTextContents()).toEqual([
      "Round",
      ...LABELS,
      "Exhausted",
      "Eliminated",
    ]);
    const rows = [];
    for (const row of await table.locator("tbody tr").all())
      rows.push(await row.locator("th, td").allTextContents());
    expect(rows).toEqual([
      ["1", "2", "1", "1", "1", "0", "Delta"],
      ["2", "2", "1", "2", "—", "0", "Beta"],
      ["3", "2", "—", "3", "—", "0", "—"],
    ]);
    const api = (await (await fetch(`${live.base}/polls/${poll.id}/results`)).json()) as {
      questions: Array<{ ranked: { winner: string } }>;
    };
    expect(api.questions[0]?.ranked.winner).toBe(poll.choice.Gamma);
    await page.screenshot({ path: join(RESULTS_DIR, "poll-ranked-1280.png"), fullPage: true });
    expect(problems).toEqual([]);
    await close();
  }, 120_000);

  it("axe finds nothing serious with a ranking error shown and after the vote, at 375 and 1280 px, light and dark; no sideways scroll", async () => {
    const poll = await rankedPoll();
    for (const ranking of [["Alpha", "Beta"], ["Beta"], ["Gamma", "Beta"], ["Delta", "Alpha", "Gamma"]])
      expect(await voteByApi(poll, ranking)).toBe(201);
    /** Once the runoff is drawn: Alpha first, Beta at `betaRank`, then Vote. */
    const rankAndVote = async (page: Page, betaRank: string) => {
      await page.locator("#results .runoff table").waitFor({ timeout: SLOW });
      await rankSelect(page, "Alpha").selectOption("1");
      await rankSelect(page, "Beta").selectOption(betaRank);
      await button(page, "Vote").click();
    };
    // Each width and scheme gets a fresh context, so a fresh voter: the error, then a real vote.
    await auditPages({
      browser: live.browser,
      base: live.base,
      widths: [375, 1280],
      pages: [
        {
          name: "poll-ranked-error",
          path: `/p/${poll.id}`,
          ready: async (page) => {
            // A repeated rank: refused inline.
            await rankAndVote(page, "1");
            await page.locator(`#rank-error-${poll.question}:not([hidden])`).waitFor();
          },
        },
        {
          name: "poll-ranked-voted",
          path: `/p/${poll.id}`,
          ready: async (page) => {
            await rankAndVote(page, "2");
            await button(page, "Change my vote").waitFor({ timeout: SLOW });
          },
        },
      ],
    });
  }, 180_000);
});
