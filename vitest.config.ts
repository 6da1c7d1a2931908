import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { configDefaults, defineConfig, defineProject } from "vitest/config";
import { bindingBudgets, roomyPolicy } from "./src/rate-limit/policy.ts";

/** A fake token: tests assert it reaches the upstream and never a response or a log line. */
const TEST_GITHUB_TOKEN = "ghp_testOnlyToken0123456789abcdefABCDEF";
/** Tests read it back from `env.JWT_SECRET` to sign their own (expired, wrong-audience…) tokens. */
const TEST_JWT_SECRET = "test-only-jwt-secret-0123456789abcdef";

/**
 * The suite acts as thousands of clients from one machine, many without an address, so
 * the Rate Limiting bindings get roomy limits here, taken from the policy table (and the
 * headers are told so through RATE_LIMIT_POLICY, which also raises the service-wide buckets).
 * Tests that assert a 429 swap in RL_TEST_TIGHT (3 per minute).
 */
const ROOMY = 100_000;
const TEST_RATE_LIMITS = {
  ...Object.fromEntries(
    bindingBudgets().map(({ binding, namespaceId, period }) => [
      binding,
      { namespace_id: namespaceId, simple: { limit: ROOMY, period } },
    ]),
  ),
  RL_TEST_TIGHT: { namespace_id: "1299", simple: { limit: 3, period: 60 as const } },
};

/**
 * Workers tests: inside workerd (Miniflare) against the real bindings. `isolate: false` shares
 * one workerd between the files: one per file (vitest's default) cost ~4 s of startup per file
 * on a 2-core machine, about half the run. The files never relied on fresh storage: they seed
 * their own accounts, polls and keys with random ids, as the house style asks.
 */
function workersProject(name: string, files: { include: string[]; exclude?: string[] }, isolate: boolean) {
  return defineProject({
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
          ratelimits: TEST_RATE_LIMITS,
          bindings: {
            RATE_LIMIT_POLICY: roomyPolicy(ROOMY),
            ENVIRONMENT: "test",
            // On a CI runner the worker reports environment "ci".
            CI: process.env.CI ?? "",
            // Quiet by default; tests that assert on log lines raise the level themselves.
            LOG_LEVEL: "error",
            // Flush every request's sample at once, so tests never wait out the 1 s interval.
            STATS_FLUSH_MS: "0",
            JWT_SECRET: TEST_JWT_SECRET,
            GITHUB_API_URL: inject("githubApiUrl"),
            GITHUB_TOKEN: TEST_GITHUB_TOKEN,
            GITHUB_TIMEOUT_MS: "1000",
            // Test endpoints point at the local receiver (test/global-setup.ts, inject("webhookReceiverUrl")) over http.
            WEBHOOK_ALLOW_LOOPBACK: "true",
            // The Neon run's DATABASE_DRIVER, DATABASE_URL and NEON_WS_PROXY.
            ...inject("databaseDriverBindings"),
          },
        },
      })),
    ],
    // One worker: vitest hands all of a non-isolated project's files to a single workerd only
    // when the project runs one file at a time (more would start one workerd per file slot).
    test: {
      name,
      ...files,
      setupFiles: ["./test/workers/setup.preload.ts"],
      testTimeout: 20_000,
      isolate,
      maxWorkers: 1,
    },
  });
}

/**
 * Files that flood one poll from hundreds of concurrent requests run in a workerd of their
 * own: after other files in a shared one, such a flood hung on PGlite ("Promise will never
 * complete", I/O awaited across requests), which a fresh instance does not. The stats
 * recorder no longer shares a promise between requests, and the flood still fails there.
 */
const FLOOD_FILES = [
  "test/workers/polls.ballot.race.test.ts",
  "test/workers/polls.ranked.race.test.ts",
  // 200 and 30 simultaneous ballots: after the other files it failed in the shared workerd on
  // PGlite (I/O across requests) in two full runs, and passes alone.
  "test/workers/polls.concurrency.test.ts",
];

/**
 * Browser and page checks (Chromium against `npm start`) test what pages show, not how the
 * database answers: the database paths under them are the workers project's, on every run.
 * TEST_BROWSER_CHECKS says where they run: "with" the PGlite run (its default), "without"
 * (the other runs, and `npm test`'s PGlite run), or "only" (the pages run of
 * scripts/run-tests.ts, `--project node`: `npm test` runs it beside the others).
 */
const BROWSER_FILES = ["test/node/**/*browser*.test.ts"];
const browserChecks =
  process.env.TEST_BROWSER_CHECKS ??
  ((process.env.TEST_DATABASE ?? "pglite") === "pglite" ? "with" : "without");
const nodeFiles =
  browserChecks === "only"
    ? { include: BROWSER_FILES }
    : {
        include: ["test/node/**/*.test.ts"],
        exclude: [...configDefaults.exclude, ...(browserChecks === "with" ? [] : BROWSER_FILES)],
      };

/**
 * Node-side files run one at a time, after the workers projects (a later group: vitest runs one
 * group at a time, and the single shared workerd above needs a group whose projects run one file
 * at a time). Every `npm start` of the browser checks shares the one PGlite: two files at once
 * left one stack unable to answer /health for 110 s in a full CI run (three gave "The database
 * is busy"), though each passes alone.
 */
const NODE_FILES_AT_ONCE = 1;

/**
 * The projects share one database provisioned by test/global-setup.ts:
 * - workers (and workers-flood): tests run inside workerd (miniflare) against the real bindings;
 * - node: tests that need Node itself (OpenAPI schema validation, scripts, servers).
 */
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    reporters: ["default"],
    projects: [
      workersProject("workers", { include: ["test/workers/**/*.test.ts"], exclude: FLOOD_FILES }, false),
      workersProject("workers-flood", { include: FLOOD_FILES }, true),
      defineProject({
        test: {
          name: "node",
          ...nodeFiles,
          environment: "node",
          maxWorkers: NODE_FILES_AT_ONCE,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      }),
    ],
  },
});
