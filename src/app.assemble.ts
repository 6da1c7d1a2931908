import type { Hono } from "hono";
import type { AppEnv } from "./env.ts";
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

// biome-ignore lint/suspicious/noExplicitAny: a route group's own schema types do not matter here.
export type RouteGroup = Hono<AppEnv, any, any>;
type App = ReturnType<typeof createRouter>;

/**
 * An application over `groups`: the middleware stack in order, the groups (in the order
 * given), whatever `extra` adds, then the error and not-found handlers. The whole API is one
 * such app (src/app.ts); the worker also builds one per path prefix, with only the groups
 * that serve it (src/app.lazy.ts), so every app answers its paths identically.
 */
export function assembleApp(groups: readonly RouteGroup[], extra?: (app: App) => void): App {
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

  for (const group of groups) app.route("/", group);
  extra?.(app);

  app.onError(handleError);
  app.notFound(notFoundHandler(buildAllowedMethodsLookup(app.routes)));
  return app;
}
