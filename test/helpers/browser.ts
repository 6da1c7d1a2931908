/**
 * For browser checks (Node project): `npm start` on a free port over the suite's database
 * and GitHub upstream, and Debian's headless Chromium (no browser download).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, type BrowserContextOptions, chromium } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import { freePort } from "../../scripts/lib/postgres-server.ts";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));

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

export interface LocalStack {
  base: string;
  stop(): Promise<void>;
}

/**
 * Exactly what `npm start` runs, on the suite's database (the DATABASE_URL mode) and GitHub
 * upstream; on the PostgreSQL run `npm start` puts its own PgBouncer in front, like the
 * suite's pool. Durable Object and KV state go to a fresh directory, so rate-limit buckets,
 * stats and cache left by earlier runs (or by `npm start` itself in .wrangler/) never leak
 * into a test.
 */
export async function startLocalStack(wranglerArgs: string[] = []): Promise<LocalStack> {
  const database = {
    DATABASE_URL: inject("databaseDirectUrl"),
    ...(inject("databaseKind") === "postgres" ? { DATABASE_POOL: "pgbouncer" } : {}),
  };
  const port = await freePort();
  const state = await mkdtemp(join(tmpdir(), "devhub-stack-"));
  const base = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn(
    process.execPath,
    [join(ROOT, "scripts", "dev.ts"), "--persist-to", state, ...wranglerArgs],
    {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), ...database, GITHUB_API_URL: inject("githubApiUrl") },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  // Two browser files start their stacks at once on a 2-core machine: allow most of beforeAll's 120 s.
  await waitForHealth(base, 110_000);
  return {
    base,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill("SIGINT");
        await exited;
      }
      await rm(state, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/**
 * A page in a fresh context that records CSP refusals and script errors in `problems`, so a
 * test can assert there were none.
 */
export async function openWatchedPage(browser: Browser, options: BrowserContextOptions = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(error.message));
  return { page, problems, close: () => context.close() };
}

/** What a browser test file's tests use: the running stack's address and the browser. */
export interface BrowserStack {
  readonly base: string;
  readonly browser: Browser;
  /** POSTs JSON to the stack, as `token`'s account when given (setting up what a page shows). */
  postJson(
    path: string,
    body: unknown,
    token?: string,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
}

/**
 * `npm start` (startLocalStack) and Chromium for one test file: started before its tests and
 * stopped after them. Read `base` and `browser` inside tests, once they are up. Where Chromium
 * is missing nothing starts (the files skip their tests and say so).
 */
export function useBrowserStack(): BrowserStack {
  let stack: LocalStack | undefined;
  let browser: Browser | undefined;
  if (CHROMIUM) {
    beforeAll(async () => {
      stack = await startLocalStack();
      browser = await launchChromium();
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await stack?.stop();
    });
  }
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the browser stack is read before it started");
    return value;
  };
  return {
    get base() {
      return started(stack).base;
    },
    get browser() {
      return started(browser);
    },
    async postJson(path, body, token) {
      const response = await fetch(`${started(stack).base}${path}`, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
  };
}
