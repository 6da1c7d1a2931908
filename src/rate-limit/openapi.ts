import { declareOverDocument, retryAfterHeader } from "../lib/openapi.ts";
import { isUnmetered } from "./unmetered.ts";

/**
 * Every operation but the unmetered ones (unmetered.ts) is rate-limited (docs/security.md,
 * "Request budgets"), so the OpenAPI document declares, on each of them, the 429 with `Retry-After`
 * and the IETF `RateLimit-Policy` / `RateLimit` headers on its successful responses. Done
 * once over the generated document rather than in each route, so a new route cannot forget it.
 */
const HEADERS = {
  "RateLimit-Policy": {
    description:
      'The budgets that applied to this request (draft-ietf-httpapi-ratelimit-headers), e.g. `"client";q=600;w=60, "account";q=600;w=60`.',
    schema: { type: "string" },
  },
  RateLimit: {
    description:
      'What is left of each budget and seconds until its window resets, e.g. `"client";r=597;t=41`. `r` is approximate (counted per isolate).',
    schema: { type: "string" },
  },
  "Retry-After": retryAfterHeader,
};

const ref = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });
const rateLimitHeaderRefs = { "RateLimit-Policy": ref("RateLimit-Policy"), RateLimit: ref("RateLimit") };

export function declareRateLimits<T extends object>(document: T): T {
  const problem = { $ref: "#/components/schemas/Problem" };
  return declareOverDocument(document, HEADERS, (path, method, responses) => {
    if (isUnmetered(method, path.replace(/\{(\w+)\}/g, ":$1"))) return;
    responses["429"] ??= {
      description: "A rate limit budget is spent; see `Retry-After`.",
      content: { "application/problem+json": { schema: problem } },
    };
    for (const [status, response] of Object.entries(responses)) {
      if (status.startsWith("2")) response.headers = { ...response.headers, ...rateLimitHeaderRefs };
      if (status === "429") {
        response.headers = {
          ...response.headers,
          "Retry-After": ref("Retry-After"),
          ...rateLimitHeaderRefs,
        };
      }
    }
  });
}
