/**
 * The accessibility sweep every page test ends with: each page at a phone and a desktop width,
 * in light and dark, audited by axe-core (serious and critical violations), checked for
 * sideways scrolling and for CSP refusals or script errors, and screenshotted into
 * test-results/pages/.
 */
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";
import { openWatchedPage } from "./browser.ts";
import { horizontalOverflow, RESULTS_DIR, seriousViolations } from "./page-checks.ts";

export type ColorScheme = "light" | "dark";

/** One page of the sweep. */
export interface AuditedPage {
  /** Screenshot stem: test-results/pages/<name>-<width>-<scheme>.png. */
  name: string;
  /** Path on `base`, e.g. "/p/new" or `/p/${poll.id}`. */
  path: string;
  /**
   * After navigation, before the audit: wait until the page has drawn what it draws, or put it
   * in the state to audit (open a form, sign in…). The sweep then waits a further
   * SETTLE_MS for transitions to end.
   */
  ready?: (page: Page) => Promise<void>;
}

export interface AuditOptions {
  browser: Browser;
  /** The stack's origin, e.g. "http://127.0.0.1:8787". */
  base: string;
  pages: readonly AuditedPage[];
  /** Viewport widths in px (height 900); default 375 and 1440. */
  widths?: readonly number[];
  /** Default light and dark (prefers-color-scheme). */
  schemes?: readonly ColorScheme[];
  /** Runs once on each new browser context, before its pages (e.g. vote so a page shows the voted state). */
  prepare?: (page: Page) => Promise<void>;
}

/** Transitions and late layout settle within this after `ready`. */
const SETTLE_MS = 300;

/**
 * Sweeps `pages` at every width × scheme, each pair in a fresh browser context. Fails on any
 * sideways scroll (at once, naming page, width and scheme), on any CSP refusal or script error
 * in a context, and at the end on the serious axe findings of all pages together (so one run
 * lists every finding, keyed "<path> <width>px <scheme>").
 */
export async function auditPages(options: AuditOptions): Promise<void> {
  const { browser, base, pages, widths = [375, 1440], schemes = ["light", "dark"], prepare } = options;
  const findings: Record<string, unknown> = {};
  for (const colorScheme of schemes) {
    for (const width of widths) {
      const { page, problems, close } = await openWatchedPage(browser, {
        colorScheme,
        viewport: { width, height: 900 },
      });
      await prepare?.(page);
      for (const { name, path, ready } of pages) {
        await page.goto(`${base}${path}`);
        await ready?.(page);
        await page.waitForTimeout(SETTLE_MS);
        const label = `${path} ${width}px ${colorScheme}`;
        const violations = await seriousViolations(page);
        if (violations.length) findings[label] = violations;
        expect(await horizontalOverflow(page), label).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: join(RESULTS_DIR, `${name}-${width}-${colorScheme}.png`),
          fullPage: true,
        });
      }
      expect(problems, `${width}px ${colorScheme}`).toEqual([]);
      await close();
    }
  }
  expect(findings).toEqual({});
}
