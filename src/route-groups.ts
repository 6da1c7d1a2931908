import type { RouteGroup } from "./app.assemble.ts";

/**
 * Each route group with the first path segments it serves, in mounting order (as in
 * src/app.ts). The worker loads a group's modules (its schemas and routes, built when the
 * module is evaluated) on the first request under one of its segments, not at startup: the
 * dynamic `import()` is what keeps them out of the isolate's startup.
 * test/workers/app-lazy.test.ts holds this table to the whole app's routes.
 */
export const LAZY_ROUTE_GROUPS: ReadonlyArray<{
  segments: readonly string[];
  load: () => Promise<RouteGroup>;
}> = [
  { segments: [""], load: () => import("./routes/home/home.index.ts").then((m) => m.homeRouter) },
  { segments: ["health"], load: () => import("./routes/system/health.index.ts").then((m) => m.healthRouter) },
  {
    segments: ["stats", "trigger-error"],
    load: () => import("./routes/system/stats.index.ts").then((m) => m.statsRouter),
  },
  {
    segments: ["auth", "admin", "me"],
    load: () => import("./routes/auth/auth.index.ts").then((m) => m.authRouter),
  },
  {
    segments: ["admin", "me"],
    load: () => import("./routes/audit/audit.index.ts").then((m) => m.auditRouter),
  },
  {
    segments: ["notes", "s", "tags", "trash"],
    load: () => import("./routes/notes/notes.index.ts").then((m) => m.notesRouter),
  },
  { segments: ["polls"], load: () => import("./routes/polls/polls.index.ts").then((m) => m.pollsRouter) },
  { segments: ["events"], load: () => import("./routes/events/events.index.ts").then((m) => m.eventsRouter) },
  {
    segments: ["webhooks"],
    load: () => import("./routes/webhooks/webhooks.index.ts").then((m) => m.webhooksRouter),
  },
  { segments: ["github"], load: () => import("./routes/github/github.index.ts").then((m) => m.githubRouter) },
  { segments: ["cards"], load: () => import("./routes/cards/cards.index.ts").then((m) => m.cardsRouter) },
  {
    segments: ["status", "p", "gh", "polls", "cards"],
    load: () => import("./routes/pages/pages.index.ts").then((m) => m.pagesRouter),
  },
];

/** Paths whose app is the whole API: the OpenAPI document describes every group. */
export const WHOLE_APP_SEGMENTS: readonly string[] = ["openapi.json", "docs"];
