import { eventOutbox } from "./events/events.middleware.ts";
import { buildAllowedMethodsLookup } from "./lib/allowed-methods.ts";
import { handleError, notFoundHandler } from "./lib/error-handler.ts";
import { createRouter } from "./lib/openapi.ts";
import { requestBodyLimit } from "./middleware/body-limit.ts";
import { requestContext } from "./middleware/context.ts";
import { corsPolicy } from "./middleware/cors.ts";
import { metrics } from "./middleware/metrics.ts";
import { negotiate } from "./middleware/negotiate.ts";
import { rateLimits } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { securityHeaders } from "./middleware/security-headers.ts";
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

/** Builds the whole application: the middleware stack in order, then the route groups. */
export function createApp() {
  const app = createRouter();

  // The request id first, so every later layer (and every error) carries it; then the
  // per-request services (config, log, db), so every later layer reads them from the context.
  app.use(requestId());
  app.use(requestContext());
  app.use(eventOutbox());
  app.use(metrics());
  app.use(securityHeaders());
  app.use(corsPolicy());
  app.use(requestBodyLimit());
  app.use(negotiate());
  app.use(rateLimits());

  app.route("/", homeRouter);
  app.route("/", healthRouter);
  app.route("/", statsRouter);
  app.route("/", authRouter);
  app.route("/", auditRouter);
  app.route("/", notesRouter);
  app.route("/", pollsRouter);
  app.route("/", eventsRouter);
  app.route("/", webhooksRouter);
  app.route("/", githubRouter);
  app.route("/", cardsRouter);
  app.route("/", pagesRouter);

  app.get("/openapi.json", openApiDocument(app));
  app.get("/docs", docsPage);

  app.onError(handleError);
  app.notFound(notFoundHandler(buildAllowedMethodsLookup(app.routes)));
  return app;
}

export type App = ReturnType<typeof createApp>;
