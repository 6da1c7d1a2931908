/**
 * Property-based fuzzing driven by the OpenAPI document: for every operation, valid and
 * mutated inputs (wrong types, missing/extra fields, huge strings, unicode, bad JSON, wrong
 * content type, bad auth) against the deployable bundle in workerd. It passes when no
 * response is ≥ 500 and every response's status and body match what the document declares.
 * Seeded and bounded for CI (FUZZ_RUNS, default 12 per operation); `npm run fuzz` goes longer.
 */
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LocalWorker } from "../../scripts/lib/local-worker.ts";
import type { TokenResponse } from "../../src/routes/auth/auth.schemas.ts";
import type { Note } from "../../src/routes/notes/notes.schemas.ts";
import type { Poll } from "../../src/routes/polls/polls.schemas.ts";
import type { JsonSchema, OpenApiDocument, Operation } from "../helpers/openapi-document.ts";
import { HOSTILE_VALUES, mutated, resolverFor, valid } from "./fuzz/schema-arbitrary.ts";
import { startFuzzWorker } from "./fuzz/worker.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
/** Always 500 by design. */
const SKIP = new Set(["get /trigger-error"]);

let worker: LocalWorker;
let doc: OpenApiDocument;
let token = "";
const known: Record<string, string> = {};

async function call(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(new URL(path, worker.url), { ...init, signal: AbortSignal.timeout(15_000) });
}

beforeAll(async () => {
  worker = await startFuzzWorker();
  doc = (await (await call("/openapi.json")).json()) as OpenApiDocument;
  const email = `fuzz-${crypto.randomUUID()}@fuzz.test`;
  const session = (await (
    await call("/auth/register", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ email, password: "fuzz-Password-2026", display_name: "Fuzz" }),
    })
  ).json()) as TokenResponse;
  token = session.access_token;
  const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
  const note = (await (
    await call("/notes", { method: "POST", headers: auth, body: JSON.stringify({ title: "fuzz" }) })
  ).json()) as Note;
  const poll = (await (
    await call("/polls", {
      method: "POST",
      headers: auth,
      body: JSON.stringify({
        title: "fuzz",
        voters: "anonymous",
        questions: [{ prompt: "q", choices: [{ label: "a" }, { label: "b" }] }],
      }),
    })
  ).json()) as Poll;
  Object.assign(known, { noteId: note.id, pollId: poll.id });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

/** Path parameters: a real id, a random id, or junk. */
function pathValue(name: string, schema: JsonSchema, resolve: ReturnType<typeof resolverFor>, path: string) {
  const real = path.startsWith("/polls") ? known.pollId : known.noteId;
  const options: Array<fc.Arbitrary<string>> = [
    valid(schema, resolve).map(String),
    fc.string({ maxLength: 50 }),
  ];
  if (name === "id" && real) options.push(fc.constant(real));
  if (name === "username" || name === "owner")
    options.push(fc.constantFrom("octokit-fixture-org", "r3-fuzz", "ghost-fuzz"));
  return fc.oneof(...options);
}

function requestFor(path: string, operation: Operation) {
  const resolve = resolverFor(doc);
  const params = operation.parameters ?? [];
  const pathParams = Object.fromEntries(
    params.filter((p) => p.in === "path").map((p) => [p.name, pathValue(p.name, p.schema, resolve, path)]),
  );
  const queryParams = Object.fromEntries(
    params
      .filter((p) => p.in === "query")
      .map((p) => [
        p.name,
        fc.option(
          fc.oneof(
            valid(p.schema, resolve).map(String),
            fc.string({ maxLength: 20 }),
            fc.constantFrom(...HOSTILE_VALUES),
          ),
          { nil: undefined },
        ),
      ]),
  );
  const jsonSchema = operation.requestBody?.content["application/json"]?.schema;
  const body = jsonSchema
    ? fc.oneof(
        {
          weight: 3,
          arbitrary: valid(jsonSchema, resolve).map((value) => ({ kind: "json" as const, value })),
        },
        {
          weight: 3,
          arbitrary: mutated(jsonSchema, resolve).map((value) => ({ kind: "json" as const, value })),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            { kind: "raw" as const, value: '{"broken": ' },
            { kind: "raw" as const, value: "" },
          ),
        },
        { weight: 1, arbitrary: fc.constant({ kind: "text" as const, value: "title=x" }) },
      )
    : fc.constant(undefined);
  const auth = fc.constantFrom("valid", "valid", "none", "garbage", "alg-none");
  return fc.record({ pathParams: fc.record(pathParams), query: fc.record(queryParams), body, auth });
}

/** Response schemas use document-relative refs; compiled alone they must point into "doc". */
function pointIntoDoc(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(pointIntoDoc);
  if (!schema || typeof schema !== "object") return schema;
  return Object.fromEntries(
    Object.entries(schema).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#/")
        ? `doc${value}`
        : pointIntoDoc(value),
    ]),
  );
}

function authHeader(kind: string): Record<string, string> {
  if (kind === "valid") return { Authorization: `Bearer ${token}` };
  if (kind === "garbage") return { Authorization: "Bearer not.a.token" };
  if (kind === "alg-none") return { Authorization: "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0." };
  return {};
}

describe("hostile inputs (issue 12)", () => {
  it("never answer ≥ 500 in any date or search parameter, nor in closes_at", async () => {
    const auth = { Authorization: `Bearer ${token}` };
    const statuses: string[] = [];
    for (const value of HOSTILE_VALUES) {
      for (const name of ["q", "created_after", "created_before", "updated_after", "updated_before"]) {
        const response = await call(`/notes?${name}=${encodeURIComponent(value)}`, { headers: auth });
        await response.body?.cancel();
        statuses.push(`${name}=${value.slice(0, 30)} → ${response.status}`);
        expect(response.status, statuses.at(-1)).toBeLessThan(500);
      }
      const poll = await call("/polls", {
        method: "POST",
        headers: { ...auth, "Content-Type": "application/json" },
        body: JSON.stringify({
          title: "hostile",
          voters: "anonymous",
          closes_at: value,
          questions: [{ prompt: "q", choices: [{ label: "a" }, { label: "b" }] }],
        }),
      });
      await poll.body?.cancel();
      expect(poll.status, `closes_at=${value} → ${poll.status}`).toBeLessThan(500);
    }
  });
});

describe("OpenAPI-driven fuzzing", () => {
  it("never answers ≥ 500, and answers only what the document declares", async () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: "doc", components: doc.components } as object);
    const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    let requests = 0;
    for (const { path, method, operation } of operations) {
      if (SKIP.has(`${method} ${path}`)) continue;
      await fc.assert(
        fc.asyncProperty(requestFor(path, operation), async (input) => {
          const url = new URL(
            path.replace(/\{(\w+)\}/g, (_, name: string) =>
              encodeURIComponent(String(input.pathParams[name] ?? "x")),
            ),
            worker.url,
          );
          for (const [name, value] of Object.entries(input.query))
            if (value !== undefined) url.searchParams.set(name, value);
          const headers: Record<string, string> = {
            ...authHeader(input.auth),
            "CF-Connecting-IP": `10.${requests % 250}.${Math.floor(requests / 250) % 250}.7`,
          };
          let body: string | undefined;
          if (input.body?.kind === "json") {
            headers["Content-Type"] = "application/json";
            body = JSON.stringify(input.body.value);
          } else if (input.body?.kind === "raw") {
            headers["Content-Type"] = "application/json";
            body = input.body.value;
          } else if (input.body?.kind === "text") {
            headers["Content-Type"] = "text/plain";
            body = input.body.value;
          }
          requests += 1;
          const response = await call(url.pathname + url.search, {
            method: method.toUpperCase(),
            headers,
            body,
          });
          const text = await response.text();
          const where = `${method.toUpperCase()} ${url.pathname}${url.search} → ${response.status}: ${text.slice(0, 300)}`;
          expect(response.status, where).toBeLessThan(500);
          const declared = operation.responses[String(response.status)];
          expect(declared, `undeclared status: ${where}`).toBeDefined();
          const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
          const schema = declared?.content?.[contentType]?.schema;
          if (declared?.content && response.status !== 304) {
            expect(schema, `undeclared content type ${contentType}: ${where}`).toBeDefined();
          }
          if (schema && contentType.endsWith("json")) {
            const validate = ajv.compile(pointIntoDoc(schema) as object);
            const ok = validate(JSON.parse(text));
            expect(ok, `${where}\n${JSON.stringify(validate.errors)}`).toBe(true);
          }
        }),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    }
    console.log(`fuzz: ${requests} requests over ${operations.length - SKIP.size} operations (seed ${SEED})`);
    expect(requests).toBeGreaterThan(operations.length);
  }, 600_000);
});
