/**
 * What every page's browser check does besides its own interaction: an axe-core audit, the
 * two screenshot widths, and the page's weight and first paint for the report.
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { ROOT } from "../../scripts/lib/local-worker.ts";

export const RESULTS_DIR = join(ROOT, "test-results", "pages");
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/**
 * Runs axe-core in the page and returns the serious and critical violations. It is
 * evaluated through the DevTools protocol, so the page's CSP stays fully in force.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate<AxeViolation[]>("axe.run().then((result) => result.violations)");
  return violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(({ id, impact, help, nodes }) => ({
      id,
      impact,
      help,
      nodes: nodes.map(({ target }) => ({ target })),
    }));
}

/** Full-page screenshots at phone (375 px) and desktop (1280 px) widths. */
export async function screenshots(page: Page, name: string): Promise<string[]> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const paths: string[] = [];
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(400); // charts follow their container's new width
    const path = join(RESULTS_DIR, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  return paths;
}

/** The page never scrolls sideways: content fits the viewport at this width. */
export function horizontalOverflow(page: Page): Promise<number> {
  // A string expression: this test project is typed without the DOM library.
  return page.evaluate<number>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
}

export interface PageWeight {
  page: string;
  html_gzip: number;
  css_gzip: number;
  js_gzip: number;
  total_gzip: number;
  first_contentful_paint_ms: number;
}

const gz = (bytes: ArrayBuffer) => gzipSync(Buffer.from(bytes)).length;

/** HTML + CSS + JS as gzip would send them (level 6), and first contentful paint on a fresh load. */
export async function measurePage(page: Page, base: string, path: string): Promise<PageWeight> {
  const html = await (await fetch(`${base}${path}`)).arrayBuffer();
  const text = Buffer.from(html).toString("utf8");
  const assets = async (pattern: RegExp) => {
    let total = 0;
    for (const [, href] of text.matchAll(pattern))
      total += gz(await (await fetch(`${base}${href}`)).arrayBuffer());
    return total;
  };
  const css = await assets(/<link rel="stylesheet" href="([^"]+)"/g);
  const js = await assets(/<script[^>]* src="([^"]+)"/g);
  await page.goto(`${base}${path}`, { waitUntil: "load" });
  const fcp = await page.evaluate<number>(`new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const paint = list.getEntries().find((entry) => entry.name === "first-contentful-paint");
      if (paint) resolve(paint.startTime);
    }).observe({ type: "paint", buffered: true });
  })`);
  const htmlGzip = gz(html);
  return {
    page: path.replace(/[0-9a-f-]{36}/, "{id}"),
    html_gzip: htmlGzip,
    css_gzip: css,
    js_gzip: js,
    total_gzip: htmlGzip + css + js,
    first_contentful_paint_ms: Math.round(fcp),
  };
}

export async function saveWeights(weights: PageWeight[]): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(join(RESULTS_DIR, "weights.json"), `${JSON.stringify(weights, null, 2)}\n`);
  console.table(weights);
}

/** A CSS custom property of the page as it resolves now (it differs between colour schemes). */
export function cssVariable(page: Page, name: string): Promise<string> {
  return page.evaluate<string>(
    `getComputedStyle(document.documentElement).getPropertyValue(${JSON.stringify(name)}).trim()`,
  );
}

/**
 * How many opaque pixels of the chart's canvas are painted in `hex` (±8 per channel): the
 * canvas has no DOM to inspect, so this is how a test sees which colours a chart was drawn with.
 */
export function canvasPixelsOf(page: Page, chart: string, hex: string): Promise<number> {
  return page.locator(`${chart} canvas`).evaluate((canvas, colour) => {
    const target = [1, 3, 5].map((at) => Number.parseInt(colour.slice(at, at + 2), 16));
    const element = canvas as unknown as {
      width: number;
      height: number;
      getContext(kind: "2d"): { getImageData(...box: number[]): { data: Uint8ClampedArray } };
    };
    const { data } = element.getContext("2d").getImageData(0, 0, element.width, element.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      const near = (value: number, channel: number) => Math.abs((data[i + channel] ?? 0) - value) <= 8;
      if ((data[i + 3] ?? 0) >= 250 && target.every(near)) count += 1;
    }
    return count;
  }, hex);
}
