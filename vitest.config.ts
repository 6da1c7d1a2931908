import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, defineProject } from "vitest/config";

/** A fake token: tests assert it reaches the upstream and never a response or a log line. */
const TEST_GITHUB_TOKEN = "ghp_testOnlyToken0123456789abcdefABCDEF";
/** Tests read it back from `env.JWT_SECRET` to sign their own (expired, wrong-audience…) tokens. */
const TEST_JWT_SECRET = "test-only-jwt-secret-0123456789abcdef";

/**
 * The suite acts as thousands of clients from one machine, many without an address, so
 * the Rate Limiting bindings get roomy limits here (and the headers are told so through
 * RATE_LIMIT_BUDGETS). Tests that assert a 429 swap in RL_TEST_TIGHT (3 per minute).
 */
const ROOMY = { limit: 100_000, period: 60 as const };
const TEST_RATE_LIMITS = {
  RL_CLIENT: { namespace_id: "1201", simple: ROOMY },
  RL_ACCOUNT: { namespace_id: "1202", simple: ROOMY },
  RL_SEARCH: { namespace_id: "1203", simple: ROOMY },
  RL_GITHUB: { namespace_id: "1204", simple: ROOMY },
  RL_EXPORT: { namespace_id: "1205", simple: ROOMY },
  RL_VOTE: { namespace_id: "1206", simple: ROOMY },
  RL_TEST_TIGHT: { namespace_id: "1299", simple: { limit: 3, period: 60 as const } },
};
const TEST_BUDGETS =
  "client=100000/60,account=100000/60,search=100000/60,github=100000/60,export=100000/60,vote=100000/60";

/**
 * Two projects share one database provisioned by test/global-setup.ts:
 * - workers: tests run inside workerd (miniflare) against the real bindings;
 * - node: tests that need Node itself (OpenAPI schema validation, scripts, servers).
 */
export default defineConfig({
  test: {
    globalSetup: ["./test/global-setup.ts"],
    reporters: ["default"],
    projects: [
      defineProject({
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              hyperdrives: { HYPERDRIVE: inject("databaseUrl") },
              ratelimits: TEST_RATE_LIMITS,
              bindings: {
                RATE_LIMIT_BUDGETS: TEST_BUDGETS,
                // The suite registers thousands of accounts; tests of the cap set their own.
                RATE_LIMITS: "register_global=1000000/3600",
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
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/workers/**/*.test.ts"],
          testTimeout: 20_000,
        },
      }),
      defineProject({
        test: {
          name: "node",
          include: ["test/node/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      }),
    ],
  },
});
