/**
 * The card renderers on hostile strings, in headless Chromium: every card (each theme, and
 * the error card) is parsed as strict XML (DOMParser with image/svg+xml reports any
 * well-formedness error as a <parsererror>), rendered as an <img> (a broken image has no
 * natural width), and a page embedding them all passes axe with no serious or critical
 * violation. Render time and size of each card go to test-results/cards.json.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HOSTILE_TEXT } from "../../scripts/lib/github-upstream.parts.ts";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import { languagesCard, pinCard, statsCard, topLanguages } from "../../src/routes/cards/cards.github.ts";
import { pollCard } from "../../src/routes/cards/cards.poll.ts";
import { errorCard, MAX_CARD_BYTES, THEMES, type Theme } from "../../src/routes/cards/cards.svg.ts";
import { CHROMIUM, launchChromium, openWatchedPage } from "../helpers/browser.ts";
import { seriousViolations } from "../helpers/page-checks.ts";

const H = HOSTILE_TEXT;
const repo = {
  name: H,
  full_name: `${H}/${H}`,
  description: `${H} ${H}`,
  language: H,
  stars: 123_456,
  forks: 7_890_123,
  open_issues: 1,
  url: "https://github.com/x/y",
  homepage: null,
  topics: [],
  fork: false,
  archived: true,
  created_at: "",
  updated_at: "",
  pushed_at: null,
};
const poll = {
  poll_id: "p",
  title: H,
  status: "open" as const,
  total_voters: 12_345,
  questions: Array.from({ length: 5 }, (_, q) => ({
    id: `q${q}`,
    prompt: H,
    kind: "single" as const,
    voters: 10,
    choices: Array.from({ length: 12 }, (_, c) => ({ id: `c${c}`, label: H, votes: c, percent: c * 1.5 })),
  })),
};

/** Every card kind on hostile input, in every theme. */
function cards(theme: Theme): Array<[string, () => string]> {
  return [
    [
      "stats",
      () =>
        statsCard(
          { login: H, name: H, stars: 1e12, forks: -5, followers: Number.NaN, repositories: 3 },
          theme,
        ),
    ],
    [
      "languages",
      () =>
        languagesCard(
          H,
          topLanguages([
            Array.from({ length: 40 }, (_, i): [string, number] => [`${H.slice(0, 50)}${i}`, 1000 - i]),
          ]),
          theme,
        ),
    ],
    ["pin", () => pinCard(repo, theme)],
    ["poll", () => pollCard(poll, theme)],
    ["error", () => errorCard(502, H, theme)],
  ];
}

/** The parts of the page's DOM used below. */
interface BrowserXmlParser {
  parseFromString(
    source: string,
    type: string,
  ): {
    getElementsByTagName(name: string): Array<{ textContent: string | null }>;
    documentElement: { localName: string };
    querySelector(selector: string): { textContent: string | null } | null;
    querySelectorAll(selector: string): { length: number };
  };
}
interface BrowserImageElement {
  src: string;
  naturalWidth: number;
  decode(): Promise<void>;
}

if (!CHROMIUM) console.log("SKIPPED cards browser check: no Chromium (apt-get install -y chromium).");

let browser: Browser | undefined;
beforeAll(async () => {
  if (CHROMIUM) browser = await launchChromium();
}, 60_000);
afterAll(async () => browser?.close());

describe.skipIf(!CHROMIUM)("cards in Chromium", () => {
  it("every card on hostile strings is strict XML, renders as an image and is bounded", async () => {
    const { page, close } = await openWatchedPage(browser as Browser);
    const figures: Array<{ card: string; theme: string; bytes: number; render_us: number }> = [];
    for (const theme of THEMES) {
      for (const [name, render] of cards(theme)) {
        const started = performance.now();
        for (let i = 0; i < 200; i += 1) render();
        const svg = render();
        const bytes = Buffer.byteLength(svg);
        figures.push({
          card: name,
          theme,
          bytes,
          render_us: Math.round(((performance.now() - started) / 201) * 1000),
        });
        expect(bytes, name).toBeLessThanOrEqual(MAX_CARD_BYTES);
        const parsed = await page.evaluate((source) => {
          // Runs in the page (this project has no DOM typings): the browser's strict XML parser.
          const { DOMParser: Parser } = globalThis as unknown as { DOMParser: new () => BrowserXmlParser };
          const doc = new Parser().parseFromString(source, "image/svg+xml");
          const error = doc.getElementsByTagName("parsererror")[0];
          return {
            error: error?.textContent ?? null,
            root: doc.documentElement.localName,
            title: doc.querySelector("title")?.textContent ?? "",
            scripts: doc.querySelectorAll("script, foreignObject, a, image, use").length,
          };
        }, svg);
        expect(parsed.error, `${name}/${theme}`).toBeNull();
        expect(parsed, `${name}/${theme}`).toMatchObject({ root: "svg", scripts: 0 });
        expect(parsed.title.length, `${name}/${theme}`).toBeGreaterThan(0);
        const width = await page.evaluate(async (source) => {
          const { Image: BrowserImage } = globalThis as unknown as { Image: new () => BrowserImageElement };
          const img = new BrowserImage();
          img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(source)}`;
          await img.decode();
          return img.naturalWidth;
        }, svg);
        expect(width, `${name}/${theme} renders`).toBeGreaterThan(0);
      }
    }
    await close();
    await mkdir(join(ROOT, "test-results"), { recursive: true });
    await writeFile(join(ROOT, "test-results", "cards.json"), JSON.stringify(figures, null, 2));
  });

  it("a page embedding every card passes axe, in light and dark", async () => {
    for (const colorScheme of ["light", "dark"] as const) {
      const { page, problems, close } = await openWatchedPage(browser as Browser, { colorScheme });
      const images = cards("auto")
        .map(
          ([name, render]) =>
            `<p><img alt="${name} card" src="data:image/svg+xml;charset=utf-8,${encodeURIComponent(render())}"></p>`,
        )
        .join("");
      await page.setContent(
        `<!doctype html><html lang="en"><head><title>Cards</title></head><body><main><h1>Cards</h1>${images}</main></body></html>`,
      );
      expect(await seriousViolations(page), colorScheme).toEqual([]);
      expect(problems).toEqual([]);
      await close();
    }
  });
});
