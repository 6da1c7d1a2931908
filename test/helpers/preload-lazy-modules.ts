/**
 * Loads, before any test runs, every module the worker loads on first use (dynamic `import()`).
 *
 * In a deployed bundle such an `import()` is a module already in the bundle, evaluated on the
 * spot. Under the test runner it is a real module fetch, and workerd cancels a request that
 * awaits I/O started by another request: two tests whose first requests under one prefix meet
 * would fail at random. Loaded here first, every later `import()` finds the module evaluated.
 */
import { LAZY_ROUTE_GROUPS } from "../../src/route-groups.ts";

/**
 * The modules loaded on first use outside src/route-groups.ts (whose groups are loaded through
 * its own table), by path under src/. test/node/boundaries.test.ts holds this list to the
 * `import()` calls in src/.
 */
export const LAZY_MODULES: Record<string, () => Promise<unknown>> = {
  "app.ts": () => import("../../src/app.ts"),
  "app.assemble.ts": () => import("../../src/app.assemble.ts"),
  "scheduled.ts": () => import("../../src/scheduled.ts"),
  "queue.ts": () => import("../../src/queue.ts"),
  "db/client.ts": () => import("../../src/db/client.ts"),
  "routes/polls/polls.service.ts": () => import("../../src/routes/polls/polls.service.ts"),
  "routes/polls/polls.results.ts": () => import("../../src/routes/polls/polls.results.ts"),
};

/** Every route group and every other module loaded on first use. */
export async function preloadLazyModules(): Promise<void> {
  await Promise.all([
    ...LAZY_ROUTE_GROUPS.map((group) => group.load()),
    ...Object.values(LAZY_MODULES).map((load) => load()),
  ]);
}
