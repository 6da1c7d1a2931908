import { env, exports } from "cloudflare:workers";
import { createApp } from "../../src/app.ts";
import type { Problem } from "../../src/lib/openapi.ts";

export const ORIGIN = "https://devhub.test";

/** Sends a request through the worker's real default export (full middleware stack). */
export function api(path: string, init?: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

/** JSON request helper: serialises the body and sets the content type. */
export function apiJson(path: string, method: string, body: unknown, headers: Record<string, string> = {}) {
  return api(path, {
    method,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** Asserts the RFC 9457 envelope every error must have, and returns the body. */
export async function expectProblem(response: Response, status: number, slug: string): Promise<Problem> {
  const text = await response.text();
  if (response.status !== status) {
    throw new Error(`expected ${status} ${slug}, got ${response.status}: ${text}`);
  }
  if (!response.headers.get("content-type")?.startsWith("application/problem+json")) {
    throw new Error(`expected problem+json, got ${response.headers.get("content-type")}`);
  }
  const body = JSON.parse(text) as Problem;
  const requestId = response.headers.get("x-request-id");
  const checks: Array<[boolean, string]> = [
    [body.type === `https://devhub-api.dev/problems/${slug}`, `type ${body.type}`],
    [body.status === status, `status member ${body.status}`],
    [typeof body.title === "string" && body.title.length > 0, "title"],
    [typeof body.detail === "string" && body.detail.length > 0, "detail"],
    [Boolean(requestId) && body.request_id === requestId, `request_id ${body.request_id} vs ${requestId}`],
    [!/\bat\s+\S+\s+\(|node_modules|\.ts:\d+/.test(text), "no stack trace"],
  ];
  for (const [ok, what] of checks) if (!ok) throw new Error(`problem body: bad ${what}: ${text}`);
  return body;
}

/**
 * The real app with some bindings overridden (e.g. LOG_LEVEL, CORS_ORIGINS, a broken
 * database URL). Background work is awaited before the response is returned, so tests
 * see its effects deterministically.
 */
export function apiWithEnv(overrides: Record<string, unknown>) {
  const app = createApp();
  const bindings = { ...env, ...overrides };
  return async (path: string, init?: RequestInit): Promise<Response> => {
    const background: Promise<unknown>[] = [];
    const ctx = {
      waitUntil: (promise: Promise<unknown>) => void background.push(promise),
      passThroughOnException: () => undefined,
      props: {},
    };
    const response = await app.request(`${ORIGIN}${path}`, init, bindings, ctx);
    await Promise.allSettled(background);
    return response;
  };
}
