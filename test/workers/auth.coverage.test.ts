import { describe, expect, it } from "vitest";
import { api, apiJson, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, randomIp, registerUser } from "../helpers/auth.ts";
import type { OpenApiDocument, Operation } from "../helpers/openapi-document.ts";

/**
 * Auth is declared once, on the route (src/middleware/route-auth.ts): the same spread puts
 * `security` in the document and the middleware on the wire. This walks the published
 * document, so a route added tomorrow is covered without anyone remembering this file.
 */

type Security = Operation["security"];
interface DocumentedOperation {
  method: string;
  path: string;
  operation: Operation;
}

async function operations(): Promise<DocumentedOperation[]> {
  const response = await api("/openapi.json");
  expect(response.status).toBe(200);
  const doc = (await response.json()) as OpenApiDocument;
  return Object.entries(doc.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );
}

/** Bearer required: some requirement, and none of them is the anonymous `{}`. */
const requiresToken = (security: Security | undefined) =>
  Boolean(security?.length) && security?.every((requirement) => Object.keys(requirement).length > 0);

/**
 * A request without a token. Secured operations get input that fails validation (a
 * non-UUID id, an empty body), so a 401 here also proves authentication runs first.
 */
function anonymousRequest(
  { method, path, operation }: DocumentedOperation,
  secured: boolean,
): Promise<Response> {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const parameter = operation.parameters?.find((p) => p.in === "path" && p.name === name);
    if (secured) return "not-an-id";
    return parameter?.schema?.format === "uuid" ? crypto.randomUUID() : "octocat";
  });
  const headers = { "CF-Connecting-IP": randomIp() };
  if (operation.requestBody) return apiJson(url, method, {}, headers);
  return api(url, { method, headers });
}

describe("every operation enforces the access its OpenAPI document declares", () => {
  it("answers 401 problem+json with a Bearer challenge to every secured operation sent without a token", async () => {
    const secured = (await operations()).filter((op) => requiresToken(op.operation.security));
    // Notes (8), polls writes (4), /me, API keys (3), admin (3): the walk cannot pass empty.
    expect(secured.length).toBeGreaterThanOrEqual(19);
    for (const op of secured) {
      const response = await anonymousRequest(op, true);
      const label = `${op.method} ${op.path}`;
      expect(response.status, label).toBe(401);
      expect(response.headers.get("www-authenticate"), label).toBe('Bearer realm="devhub-api"');
      await expectProblem(response, 401, "unauthorized");
    }
  });

  it("lets anonymous callers through every operation whose security is absent, empty or has `{}`", async () => {
    const open = (await operations()).filter((op) => !requiresToken(op.operation.security));
    // Health, auth entry points, GitHub, poll reads and votes, stats: all reachable anonymously.
    expect(open.length).toBeGreaterThanOrEqual(15);
    for (const op of open) {
      const response = await anonymousRequest(op, false);
      await response.body?.cancel();
      expect(response.status, `${op.method} ${op.path}`).not.toBe(401);
    }
  });

  it("validates only after authenticating: the same bad body is 401 without a token, 422 with one", async () => {
    await expectProblem(await apiJson("/notes", "POST", {}), 401, "unauthorized");
    await expectProblem(await apiJson("/polls", "POST", { title: "" }), 401, "unauthorized");
    const user = await registerUser();
    await expectProblem(
      await apiJson("/notes", "POST", {}, bearer(user.tokens.access_token)),
      422,
      "validation-failed",
    );
  });

  it("checks the per-environment admin access of /stats before its query", async () => {
    const admin = apiWithEnv({ STATS_ACCESS: "admin" });
    await expectProblem(await admin("/stats?format=bogus"), 401, "unauthorized");
    const user = await registerUser();
    await expectProblem(
      await admin("/stats", { headers: bearer(user.tokens.access_token) }),
      403,
      "forbidden",
    );
    const off = apiWithEnv({ ENVIRONMENT: "production", TRIGGER_ERROR_ACCESS: "off" });
    await expectProblem(await off("/trigger-error?type=bogus"), 404, "not-found");
  });
});
