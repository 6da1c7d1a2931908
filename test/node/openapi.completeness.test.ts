import { beforeAll, describe, expect, it } from "vitest";
import {
  fetchDocument,
  type JsonSchema,
  type OpenApiDocument,
  type Operation,
  operationsOf,
} from "../helpers/openapi-document.ts";

/**
 * The document describes the whole contract, so a generated client needs no hand edits:
 * names, tags, access, every header and status a response may carry, named schemas.
 * Each rule walks every operation, so a new route is held to it without a new test.
 */

let doc: OpenApiDocument;
let operations: ReturnType<typeof operationsOf>;
beforeAll(async () => {
  doc = await fetchDocument();
  operations = operationsOf(doc);
});

/** Operations that read or write PostgreSQL (everything but liveness, GitHub and stats). */
const DATABASE_BACKED = /^\/(notes|trash|tags|polls|auth|me|admin|health\/ready)(\/|$)/;

/** Charged to no request budget (src/rate-limit/unmetered.ts): no 429, no RateLimit headers. */
const UNMETERED = ["GET /health"];

const headersOf = (operation: Operation, status: string) =>
  Object.keys(operation.responses[status]?.headers ?? {}).map((name) => name.toLowerCase());
const parameterNames = (operation: Operation, where: string) =>
  (operation.parameters ?? []).filter((p) => p.in === where).map((p) => p.name.toLowerCase());

/** Collects `label` for every operation where `broken` returns true. */
function violations(broken: (operation: Operation, path: string, method: string) => boolean): string[] {
  return operations.filter((op) => broken(op.operation, op.path, op.method)).map((op) => op.label);
}

describe("the OpenAPI document describes the whole contract", () => {
  it("names every operation with a unique camelCase operationId", () => {
    expect(operations.length).toBeGreaterThanOrEqual(37);
    expect(violations((op) => !/^[a-z][a-zA-Z0-9]+$/.test(op.operationId ?? ""))).toEqual([]);
    const ids = operations.map((op) => op.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("declares servers and describes every tag an operation uses", () => {
    expect(doc.servers?.length).toBeGreaterThan(0);
    const described = new Map((doc.tags ?? []).map((tag) => [tag.name, tag.description ?? ""]));
    expect(violations((op) => !op.tags?.length)).toEqual([]);
    const undescribed = operations
      .flatMap((op) => op.operation.tags ?? [])
      .filter((tag) => !described.get(tag));
    expect(undescribed).toEqual([]);
  });

  it("states access on every operation, with `security: []` on the public ones", () => {
    expect(violations((op) => !Array.isArray(op.security))).toEqual([]);
    const publicOps = operations.filter((op) => op.operation.security?.length === 0).map((op) => op.label);
    expect(publicOps).toEqual(expect.arrayContaining(["GET /health", "POST /auth/login", "GET /"]));
  });

  it("declares 503 with Retry-After on every database-backed operation", () => {
    const backed = operations.filter((op) => DATABASE_BACKED.test(op.path));
    expect(backed.length).toBeGreaterThan(25);
    expect(backed.filter((op) => !op.operation.responses["503"]).map((op) => op.label)).toEqual([]);
  });

  it("describes error responses as problem+json on every operation", () => {
    for (const { label, operation } of operations) {
      const errorStatuses = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      expect(errorStatuses, label).toContain("500");
      // Cards are images: their errors are also an SVG error card (src/routes/cards/cards.respond.ts).
      const types = label.includes(" /cards/")
        ? ["application/problem+json", "image/svg+xml"]
        : ["application/problem+json"];
      for (const status of errorStatuses) {
        expect(Object.keys(operation.responses[status]?.content ?? {}), `${label} ${status}`).toEqual(types);
      }
    }
  });

  it("declares the headers each status carries", () => {
    expect(Object.keys(doc.components.headers ?? {})).toEqual(
      expect.arrayContaining(["RateLimit", "RateLimit-Policy", "Retry-After"]),
    );
    const missing: string[] = [];
    for (const { label, operation } of operations) {
      const metered = !UNMETERED.includes(label);
      for (const status of Object.keys(operation.responses)) {
        const headers = headersOf(operation, status);
        const need = (header: string) => {
          if (!headers.includes(header)) missing.push(`${label} ${status}: ${header}`);
        };
        need("x-request-id");
        if (status === "429" || status === "503") need("retry-after");
        if (status === "405") need("allow");
        if (status === "304" || status === "412") need("etag");
        if (status.startsWith("2") && metered) {
          need("ratelimit");
          need("ratelimit-policy");
        }
      }
      if (metered && !operation.responses["429"]) missing.push(`${label}: no 429`);
      if (!operation.responses["406"]) missing.push(`${label}: no 406`);
    }
    expect(missing).toEqual([]);
  });

  it("declares no rate limit on the unmetered operations, which send none", () => {
    for (const label of UNMETERED) {
      const op = operations.find((candidate) => candidate.label === label);
      expect(op, label).toBeDefined();
      const responses = op?.operation.responses ?? {};
      expect(responses["429"], label).toBeUndefined();
      for (const status of Object.keys(responses))
        expect(headersOf(op?.operation as Operation, status)).not.toContain("ratelimit");
    }
  });

  it("declares the headers of the routes that send them", () => {
    const has = (label: string, status: string, header: string) => {
      const op = operations.find((candidate) => candidate.label === label);
      expect(op, label).toBeDefined();
      expect(headersOf(op?.operation as Operation, status), `${label} ${status}`).toContain(
        header.toLowerCase(),
      );
    };
    for (const label of ["POST /notes", "POST /polls", "POST /auth/register", "POST /auth/api-keys"])
      has(label, "201", "Location");
    has("POST /notes", "201", "Idempotent-Replayed");
    has("GET /polls/{id}", "200", "Set-Cookie");
    has("POST /polls/{id}/votes", "201", "Set-Cookie");
    has("POST /polls/{id}/votes", "400", "Set-Cookie");
    has("GET /polls/{id}/results.csv", "200", "Content-Disposition");
    for (const header of ["Cache-Status", "Age", "ETag", "Cache-Control"])
      has("GET /github/repos/{owner}/{repo}", "200", header);
  });

  it("declares the request headers and cookies the server reads", () => {
    // Every conditional read (it can answer 304) takes If-None-Match.
    expect(
      violations(
        (op) => Boolean(op.responses["304"]) && !parameterNames(op, "header").includes("if-none-match"),
      ),
    ).toEqual([]);
    // Every conditional write (it can answer 412) takes If-Match.
    expect(
      violations((op) => Boolean(op.responses["412"]) && !parameterNames(op, "header").includes("if-match")),
    ).toEqual([]);
    const find = (label: string) => operations.find((op) => op.label === label)?.operation as Operation;
    expect(parameterNames(find("POST /notes"), "header")).toContain("idempotency-key");
    expect(parameterNames(find("GET /github/users/{username}"), "header")).toContain("cache-control");
    for (const label of ["GET /polls/{id}", "POST /polls/{id}/votes", "GET /polls/{id}/results"])
      expect(parameterNames(find(label), "cookie"), label).toContain("dh_voter");
  });

  it("names a component schema for every response and request body", () => {
    const inline: string[] = [];
    for (const { label, operation } of operations) {
      const bodies = [
        ...Object.entries(operation.requestBody?.content ?? {}).map(([type, media]) => [
          "request",
          type,
          media,
        ]),
        ...Object.entries(operation.responses).flatMap(([status, response]) =>
          Object.entries(response.content ?? {}).map(([type, media]) => [status, type, media]),
        ),
      ] as Array<[string, string, { schema?: JsonSchema }]>;
      for (const [status, type, media] of bodies)
        if (!media.schema?.$ref) inline.push(`${label} ${status} ${type}`);
    }
    expect(inline).toEqual([]);
  });

  it("requires at least one property in every PATCH body", () => {
    const patches = operations.filter((op) => op.method === "patch");
    expect(patches.length).toBeGreaterThanOrEqual(2);
    for (const { label, operation } of patches) {
      const ref = operation.requestBody?.content["application/json"]?.schema?.$ref ?? "";
      const schema = doc.components.schemas[ref.replace("#/components/schemas/", "")];
      expect(schema?.minProperties, label).toBe(1);
    }
  });

  it("uses one media type per JSON kind, without a charset parameter", () => {
    const types = new Set(
      operations.flatMap(({ operation }) => [
        ...Object.keys(operation.requestBody?.content ?? {}),
        ...Object.values(operation.responses).flatMap((response) => Object.keys(response.content ?? {})),
      ]),
    );
    const json = [...types].filter((type) => type.includes("json"));
    expect(json.sort()).toEqual(["application/json", "application/problem+json"]);
  });
});
