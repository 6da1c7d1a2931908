import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig, defineProject } from "vitest/config";

/** Tests read it back from `env.JWT_SECRET` to sign their own (expired, wrong-audience…) tokens. */
/** A fake token: tests assert it reaches the upstream and never a response or a log line. */
const TEST_GITHUB_TOKEN = "ghp_testOnlyToken0123456789abcdefABCDEF";
const TEST_JWT_SECRET = "test-only-jwt-secret-0123456789abcdef";

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
              bindings: {
                ENVIRONMENT: "test",
                // On a CI runner the worker reports environment "ci".
                CI: process.env.CI ?? "",
                // Quiet by default; tests that assert on log lines raise the level themselves.
                LOG_LEVEL: "error",
                // Flush every request's sample at once, so tests never wait out the 1 s interval.
                STATS_FLUSH_MS: "0",
                JWT_SECRET: TEST_JWT_SECRET,
                ADMIN_EMAILS: "root@devhub.test",
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
