import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { fetchDocument } from "../helpers/openapi-document.ts";

describe("OpenAPI document", () => {
  it("is valid against the OpenAPI 3.1 schema", async () => {
    const validator = new Validator();
    const result = await validator.validate({ ...(await fetchDocument()) });
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("describes error responses as problem+json on every operation", async () => {
    const doc = await fetchDocument();
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
