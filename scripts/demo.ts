/**
 * `npm run demo`: `npm start` with the GitHub stand-in on (recorded answers, no network
 * needed) and demo data written through the API once it answers: accounts, notes, and polls
 * of each kind with votes. Then it prints where to look. Safe to run again: see demo-seed.ts.
 * Everything after `--` goes to `npm start` (and on to wrangler), as there.
 */
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemo } from "./lib/demo-seed.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const port = process.env.PORT ?? "8787";
const base = `http://127.0.0.1:${port}`;

const server = spawn(process.execPath, [join(root, "scripts", "dev.ts"), ...process.argv.slice(2)], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, PORT: port, GITHUB_OFFLINE: "1" },
});
// Ctrl-C reaches dev.ts too (same process group); it stops wrangler and the database, then exits.
server.on("exit", (code) => process.exit(code ?? 0));
process.on("SIGINT", () => undefined);
process.on("SIGTERM", () => server.kill("SIGTERM"));

async function waitForHealth(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error("npm start exited before answering");
    const up = await fetch(`${base}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${base}/health did not answer within ${timeoutMs / 1000} s`);
}

try {
  await waitForHealth(180_000);
  const seeded = await seedDemo(base, join(root, ".data", "demo.json"));
  const lines = [
    "",
    "[devhub] demo ready (GitHub answers come from recorded data: no network needed)",
    `  Front door        ${base}/`,
    `  Live status       ${base}/status`,
    `  GitHub dashboard  ${base}/gh/octocat   (the stand-in answers for any username)`,
    ...seeded.polls.map((id, index) => `  ${index === 0 ? "Polls" : "     "}             ${base}/p/${id}`),
    `  API reference     ${base}/docs`,
    `  Accounts          ${DEMO_ACCOUNTS.map((account) => account.email).join(", ")}`,
    `  Password (all)    ${DEMO_PASSWORD}`,
    "",
  ];
  console.log(lines.join("\n"));
} catch (error) {
  console.error(`[devhub] demo data not written: ${(error as Error).message}`);
  server.kill("SIGTERM");
}
