/**
 * Headless Chromium (Debian's `chromium`) subscribes to a poll's live results with the
 * browser example in docs/polls.md, another client votes over HTTP, and the page shows the count
 * change. Runs the deployable bundle in workerd; skipped where Chromium is not installed.
 */
import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalWorker, startLocalWorker } from "../../scripts/lib/local-worker.ts";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) => existsSync(path));
if (!CHROMIUM) console.log("SKIPPED live results browser check: no Chromium (apt-get install -y chromium).");

/** The example in docs/polls.md (Live results), verbatim apart from the poll id being a parameter. */
const README_EXAMPLE = (poll: string) => `
const ws = new WebSocket(\`\${location.origin.replace(/^http/, "ws")}/polls/${poll}/results/live\`);
ws.onmessage = (event) => {
  const message = JSON.parse(event.data);
  if (message.type === "deleted") return (document.body.textContent = "This poll was deleted.");
  const lines = message.results.questions.flatMap((q) =>
    q.choices.map((c) => \`\${q.prompt} \${c.label}: \${c.votes} (\${c.percent}%)\`));
  document.body.textContent = (message.type === "closed" ? "Final: " : "") + lines.join("\\n");
};
ws.onclose = () => setTimeout(() => location.reload(), 2000); // reconnect: a fresh snapshot
`;

let worker: LocalWorker | undefined;
let base = "";

async function json<T>(path: string, body: unknown, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const register = async () =>
  (
    await json<{ access_token: string }>("/auth/register", {
      email: `live-${crypto.randomUUID()}@browser.test`,
      password: "live-Password-12345",
      display_name: "Live",
    })
  ).access_token;

describe.skipIf(!CHROMIUM)("browser check of live results", () => {
  beforeAll(async () => {
    worker = await startLocalWorker({
      databaseUrl: inject("databaseUrl"),
      githubApiUrl: inject("githubApiUrl"),
      scriptPath: inject("workerBundle"),
      bindings: { JWT_SECRET: "browser-live-only-jwt-secret-0123456789", LOG_LEVEL: "error" },
    });
    base = worker.url.href.replace(/\/$/, "");
  }, 60_000);

  afterAll(async () => {
    await worker?.stop();
  });

  it("a subscribed page shows the count change when another client votes", async () => {
    const owner = await register();
    const poll = await json<{ id: string; questions: Array<{ id: string; choices: Array<{ id: string }> }> }>(
      "/polls",
      {
        title: "Browser live",
        questions: [{ prompt: "Tabs or spaces?", choices: [{ label: "Tabs" }, { label: "Spaces" }] }],
      },
      owner,
    );
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    });
    try {
      const page = await browser.newPage();
      // Any page of the API's origin will do (the poll page is another issue's); /docs allows
      // connect-src 'self', and the example replaces its content.
      await page.goto(`${base}/docs`, { waitUntil: "domcontentloaded" });
      await page.evaluate(README_EXAMPLE(poll.id));
      const body = page.locator("body");
      // Generous: the snapshot comes over a socket to workerd, beside other files on a loaded machine.
      await body.filter({ hasText: "Spaces: 0 (0%)" }).waitFor({ timeout: 20_000 });

      const question = poll.questions[0] as { id: string; choices: Array<{ id: string }> };
      await json(
        `/polls/${poll.id}/votes`,
        { answers: [{ question_id: question.id, choice_ids: [question.choices[1]?.id] }] },
        await register(),
      );
      await body.filter({ hasText: "Spaces: 1 (100%)" }).waitFor({ timeout: 5_000 });
      expect(await page.textContent("body")).toContain("Tabs or spaces? Tabs: 0 (0%)");
    } finally {
      await browser.close();
    }
  }, 60_000);
});
