/**
 * Loads, before any test runs, every module the worker loads on first use (dynamic `import()`).
 *
 * In a deployed bundle such an `import()` is a module already in the bundle, evaluated on the
 * spot. Under the test runner it is a real module fetch, and workerd cancels a request that
 * awaits I/O started by another request: two tests whose first requests under one prefix meet
 * would fail at random. Loaded here first, every later `import()` finds the module evaluated.
 * test/node/boundaries.test.ts holds this list to the `import()` calls in src/.
 */
export const LAZY_MODULES: Record<string, () => Promise<unknown>> = {
  "app.ts": () => import("../../src/app.ts"),
  "app.assemble.ts": () => import("../../src/app.assemble.ts"),
  "scheduled.ts": () => import("../../src/scheduled.ts"),
  "queue.ts": () => import("../../src/queue.ts"),
  "db/client.ts": () => import("../../src/db/client.ts"),
  "routes/polls/polls.service.ts": () => import("../../src/routes/polls/polls.service.ts"),
  "routes/polls/polls.results.ts": () => import("../../src/routes/polls/polls.results.ts"),
  "routes/home/home.index.ts": () => import("../../src/routes/home/home.index.ts"),
  "routes/system/health.index.ts": () => import("../../src/routes/system/health.index.ts"),
  "routes/system/stats.index.ts": () => import("../../src/routes/system/stats.index.ts"),
  "routes/auth/auth.index.ts": () => import("../../src/routes/auth/auth.index.ts"),
  "routes/audit/audit.index.ts": () => import("../../src/routes/audit/audit.index.ts"),
  "routes/notes/notes.index.ts": () => import("../../src/routes/notes/notes.index.ts"),
  "routes/polls/polls.index.ts": () => import("../../src/routes/polls/polls.index.ts"),
  "routes/events/events.index.ts": () => import("../../src/routes/events/events.index.ts"),
  "routes/webhooks/webhooks.index.ts": () => import("../../src/routes/webhooks/webhooks.index.ts"),
  "routes/github/github.index.ts": () => import("../../src/routes/github/github.index.ts"),
  "routes/cards/cards.index.ts": () => import("../../src/routes/cards/cards.index.ts"),
  "routes/pages/pages.index.ts": () => import("../../src/routes/pages/pages.index.ts"),
};
