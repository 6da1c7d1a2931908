/**
 * The runs of the test suite (scripts/run-tests.ts): each its own vitest process on its own
 * database, reporting to test-results/<run>.json and, under `npm test`, test-results/<run>.log.
 */
export const TEST_RUNS = ["pglite", "postgres", "neon", "pages"] as const;
export type TestRun = (typeof TEST_RUNS)[number];
