import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { secureHeaders } from "hono/secure-headers";
import { loadConfig } from "./config.ts";
import { buildAllowedMethodsLookup } from "./lib/allowed-methods.ts";
import { handleError, notFoundHandler } from "./lib/error-handler.ts";
import { createRouter } from "./lib/openapi.ts";
import { ApiError } from "./lib/problem.ts";
import { requestContext } from "./middleware/context.ts";
import { metrics } from "./middleware/metrics.ts";
import { negotiate } from "./middleware/negotiate.ts";
import { rateLimits } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { pagesRouter } from "./pages/pages.index.ts";
import { authRouter } from "./routes/auth/auth.index.ts";
import { githubRouter } from "./routes/github/github.index.ts";
import { notesRouter } from "./routes/notes/notes.index.ts";
import { pollsRouter } from "./routes/polls/polls.index.ts";
import { docsPage } from "./routes/system/docs.ts";
import { healthRouter } from "./routes/system/health.index.ts";
import { openApiDocument } from "./routes/system/openapi.ts";
import { statsRouter } from "./routes/system/stats.index.ts";

/**
 * Builds the whole application. Middleware order matters: the request id comes first
 * so every later layer (and every error) can carry it.
 */
export function createApp() {
  const app = createRouter();

  app.use(requestId());
  app.use(metrics());
  app.use(
    secureHeaders({
      // JSON never needs to load anything; the docs page sets its own, looser policy.
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      overwrite: false,
    }),
  );
  app.use(
    cors({
      origin: (origin, c) => {
        const allowed = loadConfig(c.env).corsOrigins;
        if (allowed === "*") return "*";
        return allowed.includes(origin) ? origin : null;
      },
      allowHeaders: [
        "Authorization",
        "Content-Type",
        "If-Match",
        "If-None-Match",
        "Idempotency-Key",
        "X-Request-Id",
      ],
      exposeHeaders: [
        "ETag",
        "Location",
        "Link",
        "Retry-After",
        "X-Request-Id",
        "Cache-Status",
        "Age",
        "RateLimit",
        "RateLimit-Policy",
      ],
      maxAge: 600,
    }),
  );
  app.use(async function requestBodyLimit(c, next) {
    const maxSize = loadConfig(c.env).maxBodyBytes;
    return bodyLimit({
      maxSize,
      onError: () => {
        throw new ApiError("payload-too-large", { detail: `The request body exceeds ${maxSize} bytes.` });
      },
    })(c, next);
  });
  app.use(requestContext());
  app.use(negotiate());
  app.use(rateLimits());

  app.route("/", healthRouter);
  app.route("/", statsRouter);
  app.route("/", authRouter);
  app.route("/", notesRouter);
  app.route("/", pollsRouter);
  app.route("/", githubRouter);
  app.route("/", pagesRouter);

  app.get("/openapi.json", openApiDocument(app));
  app.get("/docs", docsPage);

  app.onError(handleError);
  app.notFound(notFoundHandler(buildAllowedMethodsLookup(app.routes)));
  return app;
}

export type App = ReturnType<typeof createApp>;
