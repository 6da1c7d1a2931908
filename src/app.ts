import { secureHeaders } from "hono/secure-headers";
import { buildAllowedMethodsLookup } from "./lib/allowed-methods.ts";
import { handleError, notFoundHandler } from "./lib/error-handler.ts";
import { createRouter } from "./lib/openapi.ts";
import { requestBodyLimit } from "./middleware/body-limit.ts";
import { requestContext } from "./middleware/context.ts";
import { corsPolicy } from "./middleware/cors.ts";
import { metrics } from "./middleware/metrics.ts";
import { rateLimits } from "./middleware/rate-limit.ts";
import { requestId } from "./middleware/request-id.ts";
import { pagesRouter } from "./pages/pages.index.ts";
import { rateLimitDeclarations } from "./rate-limit/openapi.ts";
import { authRouter } from "./routes/auth/auth.index.ts";
import { githubRouter } from "./routes/github/github.index.ts";
import { notesRouter } from "./routes/notes/notes.index.ts";
import { pollsRouter } from "./routes/polls/polls.index.ts";
import { docsPage } from "./routes/system/docs.ts";
import { healthRouter } from "./routes/system/health.index.ts";
import { statsRouter } from "./routes/system/stats.index.ts";
import { API_VERSION } from "./version.ts";

/** UTF-8 bytes of a JSON document, as the ArrayBuffer a Response can send without re-encoding. */
function encodeJson(json: string): ArrayBuffer {
  const bytes = new TextEncoder().encode(json);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * Builds the whole application. Middleware order matters: the request id comes first
 * so every later layer (and every error) can carry it.
 */
export function createApp() {
  const app = createRouter();

  // The request id first, so every later layer (and every error) carries it; then the
  // per-request services (config, log, db), so every later layer reads them from the context.
  app.use(requestId());
  app.use(requestContext());
  app.use(metrics());
  app.use(
    secureHeaders({
      // JSON never needs to load anything; the docs page sets its own, looser policy.
      contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      overwrite: false,
    }),
  );
  app.use(corsPolicy());
  app.use(requestBodyLimit());
  app.use(rateLimits());

  app.route("/", healthRouter);
  app.route("/", statsRouter);
  app.route("/", authRouter);
  app.route("/", notesRouter);
  app.route("/", pollsRouter);
  app.route("/", githubRouter);
  app.route("/", pagesRouter);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "A JWT access token from /auth/login, or a personal API key (dh_…).",
  });
  // The document is a pure function of the routes: generated and UTF-8 encoded once per
  // isolate, then served as the same bytes (doc31 would rebuild it on every request).
  let openApiJson: ArrayBuffer | undefined;
  app.get("/openapi.json", (c) => {
    openApiJson ??= encodeJson(
      JSON.stringify(
        app.getOpenAPI31Document({
          openapi: "3.1.0",
          info: {
            title: "devhub-api",
            version: API_VERSION,
            description:
              "Notes, a cached GitHub dashboard and polls on Cloudflare Workers. Every error is RFC 9457 " +
              "`application/problem+json`.",
          },
        }),
        rateLimitDeclarations,
      ),
    );
    return c.body(openApiJson, 200, {
      "Content-Type": "application/json; charset=utf-8",
      "Cache-Control": "public, max-age=300",
    });
  });
  app.get("/docs", docsPage);

  app.onError(handleError);
  app.notFound(notFoundHandler(buildAllowedMethodsLookup(app.routes)));
  return app;
}

export type App = ReturnType<typeof createApp>;
