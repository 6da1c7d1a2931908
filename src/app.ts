import { assembleApp } from "./app.assemble.ts";
import { auditRouter } from "./routes/audit/audit.index.ts";
import { authRouter } from "./routes/auth/auth.index.ts";
import { cardsRouter } from "./routes/cards/cards.index.ts";
import { eventsRouter } from "./routes/events/events.index.ts";
import { githubRouter } from "./routes/github/github.index.ts";
import { homeRouter } from "./routes/home/home.index.ts";
import { notesRouter } from "./routes/notes/notes.index.ts";
import { pagesRouter } from "./routes/pages/pages.index.ts";
import { pollsRouter } from "./routes/polls/polls.index.ts";
import { docsPage } from "./routes/system/docs.ts";
import { healthRouter } from "./routes/system/health.index.ts";
import { openApiDocument } from "./routes/system/openapi.ts";
import { statsRouter } from "./routes/system/stats.index.ts";
import { webhooksRouter } from "./routes/webhooks/webhooks.index.ts";

/**
 * Every route group, in the order they are mounted (where two groups share a prefix, the
 * earlier one's routes match first). src/route-groups.ts lists the same groups by prefix.
 */
export const ALL_ROUTE_GROUPS = [
  homeRouter,
  healthRouter,
  statsRouter,
  authRouter,
  auditRouter,
  notesRouter,
  pollsRouter,
  eventsRouter,
  webhooksRouter,
  githubRouter,
  cardsRouter,
  pagesRouter,
];

/** Builds the whole application: every route group, the OpenAPI document and its reference page. */
export function createApp() {
  return assembleApp(ALL_ROUTE_GROUPS, (app) => {
    app.get("/openapi.json", openApiDocument(app));
    app.get("/docs", docsPage);
  });
}

export type App = ReturnType<typeof createApp>;
