import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { BEARER_SCHEME_DESCRIPTION, declareKeyRequirements } from "../../auth/scopes.openapi.ts";
import type { AppEnv } from "../../env.ts";
import { declareOverDocument } from "../../lib/openapi.ts";
import { REQUEST_ID_HEADER } from "../../middleware/request-id.ts";
import { declareRateLimits } from "../../rate-limit/openapi.ts";
import { API_VERSION } from "../../version.ts";
import { registerWebhookPayloads } from "../webhooks/webhooks.openapi.ts";

/** Every tag an operation uses, in the order the reference shows them. */
export const API_TAGS = [
  {
    name: "Notes",
    description: "Markdown notes with tags, full-text search, a trash, ETags and idempotent creation.",
  },
  {
    name: "Polls",
    description: "Polls with questions and choices, race-free voting, results as JSON, CSV or live.",
  },
  {
    name: "GitHub",
    description:
      "Public GitHub data (users, organisations, repositories and their parts), cleaned and cached in KV.",
  },
  {
    name: "Cards",
    description:
      "SVG cards to embed in a README or an issue: GitHub profile stats, top languages, a repository pin, poll results.",
  },
  { name: "Auth", description: "Accounts and sessions: register, log in, rotate and revoke refresh tokens." },
  {
    name: "API keys",
    description: "Personal API keys (`dh_…`) for scripts; created and revoked from a login session.",
  },
  {
    name: "Events",
    description: "The account's change log: what changed in its notes, polls and keys, deletions included.",
  },
  {
    name: "Webhooks",
    description: "Endpoints that receive the account's events, signed per Standard Webhooks.",
  },
  { name: "Admin", description: "Account administration; admins only." },
  {
    name: "System",
    description: "Health probes, live statistics and a deliberate failure for monitoring drills.",
  },
];

const INFO = {
  title: "devhub-api",
  version: API_VERSION,
  description:
    "Notes, a cached GitHub dashboard and polls on Cloudflare Workers. Every error is RFC 9457 " +
    "`application/problem+json`. JSON is UTF-8 (RFC 8259), so no `charset` parameter is sent.",
};

/**
 * The API is served from whichever host serves this document (workers.dev, a custom
 * domain, `wrangler dev`), so the one server is relative: clients resolve it against the
 * document's own URL.
 */
const SERVERS = [{ url: "/", description: "The host serving this document." }];

/**
 * `X-Request-Id` is on every response (request-id middleware), errors included: declared
 * once over the whole document, as the rate-limit headers are, so no route can omit it.
 */
function declareRequestId<T extends object>(document: T): T {
  const header = {
    description:
      "This request's id (the caller's own when it sent a sane one); quote it when reporting a problem.",
    schema: { type: "string", maxLength: 128 },
  };
  const ref = { $ref: `#/components/headers/${REQUEST_ID_HEADER}` };
  return declareOverDocument(document, { [REQUEST_ID_HEADER]: header }, (_path, _method, responses) => {
    for (const response of Object.values(responses)) {
      response.headers = { ...response.headers, [REQUEST_ID_HEADER]: ref };
    }
  });
}

/** UTF-8 bytes of a JSON document, as the ArrayBuffer a Response can send without re-encoding. */
function encodeJson(json: string): ArrayBuffer {
  const bytes = new TextEncoder().encode(json);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

/**
 * `GET /openapi.json` for `app`. The document is a pure function of the routes: generated
 * and UTF-8 encoded once per isolate, then served as the same bytes.
 */
export function openApiDocument(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: BEARER_SCHEME_DESCRIPTION,
  });
  registerWebhookPayloads(app.openAPIRegistry);
  let json: ArrayBuffer | undefined;
  return function serveOpenApiDocument(c: Context<AppEnv>) {
    json ??= encodeJson(
      JSON.stringify(
        declareRequestId(
          declareRateLimits(
            declareKeyRequirements(
              app.getOpenAPI31Document({ openapi: "3.1.0", info: INFO, servers: SERVERS, tags: API_TAGS }),
            ),
          ),
        ),
      ),
    );
    return c.body(json, 200, { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" });
  };
}
