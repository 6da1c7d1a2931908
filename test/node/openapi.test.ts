import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";

/**
 * The OpenAPI document is a pure function of the route definitions, so it is built here
 * in Node, where a JSON-schema validator (which compiles code at runtime) may run.
 */
async function fetchDocument(): Promise<Record<string, unknown>> {
  const env = {
    ENVIRONMENT: "test",
    HYPERDRIVE: { connectionString: "postgres://unused:unused@127.0.0.1:9/x" },
  };
  const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} };
  const response = await createApp().request("/openapi.json", {}, env, ctx);
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe("OpenAPI document", () => {
  it("is valid against the OpenAPI 3.1 schema", async () => {
    const validator = new Validator();
    const result = await validator.validate(await fetchDocument());
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("describes error responses as problem+json on every operation", async () => {
    const doc = (await fetchDocument()) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>
      >;
    };
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const errorStatuses = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
        expect(errorStatuses, `${method} ${path}`).toContain("500");
        for (const status of errorStatuses) {
          expect(
            Object.keys(operation.responses[status]?.content ?? {}),
            `${method} ${path} ${status}`,
          ).toEqual(["application/problem+json"]);
        }
      }
    }
  });
});
