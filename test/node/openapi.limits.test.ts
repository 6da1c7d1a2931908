import { beforeAll, describe, expect, it } from "vitest";
import {
  fetchDocument,
  type JsonSchema,
  type OpenApiDocument,
  operationsOf,
} from "../helpers/openapi-document.ts";

/**
 * The document states every limit the server enforces: a client (or a generated one)
 * can tell what will be refused without sending it. This walks everything a client sends
 * (parameters and request bodies) and every schema's `default`, so a route added
 * tomorrow is held to the same rule without anyone remembering this file.
 */

let doc: OpenApiDocument;
beforeAll(async () => {
  doc = await fetchDocument();
});

function resolve(schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace("#/components/schemas/", "");
  const target = doc.components.schemas[name];
  if (!target) throw new Error(`dangling $ref ${schema.$ref}`);
  return target;
}

const typesOf = (schema: JsonSchema) =>
  Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];

/** Calls `visit` on the schema and everything nested in it, with a readable path. */
function walk(schema: JsonSchema, where: string, visit: (s: JsonSchema, where: string) => void): void {
  const s = resolve(schema);
  visit(s, where);
  for (const [name, property] of Object.entries(s.properties ?? {}))
    walk(property, `${where}.${name}`, visit);
  if (s.items) walk(s.items, `${where}[]`, visit);
  if (typeof s.additionalProperties === "object") walk(s.additionalProperties, `${where}{}`, visit);
  for (const [index, choice] of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])].entries())
    walk(choice, `${where}|${index}`, visit);
}

/** What is missing for a client-sent schema to state its bound ("" when nothing is). */
function missingBound(s: JsonSchema): string {
  if (s.enum || s.const !== undefined) return "";
  const types = typesOf(s);
  const missing: string[] = [];
  if (types.includes("string") && s.maxLength === undefined) missing.push("maxLength");
  if (types.includes("array") && s.maxItems === undefined) missing.push("maxItems");
  if (types.includes("integer")) {
    if (s.minimum === undefined) missing.push("minimum");
    if (s.maximum === undefined) missing.push("maximum");
    if (s.format !== "int32" && s.format !== "int64") missing.push("format int32/int64");
    else if (s.format === "int32" && ((s.maximum ?? 0) > 2 ** 31 - 1 || (s.minimum ?? 0) < -(2 ** 31)))
      missing.push("a range inside int32");
  }
  if (types.includes("number") && (s.minimum === undefined || s.maximum === undefined))
    missing.push("minimum/maximum");
  return missing.join(", ");
}

/** Every schema a client sends: parameters of any kind, and request bodies. */
function clientSentSchemas(): Array<{ where: string; schema: JsonSchema }> {
  return operationsOf(doc).flatMap(({ label, operation }) => [
    ...(operation.parameters ?? []).map((p) => ({ where: `${label} ${p.in} ${p.name}`, schema: p.schema })),
    ...Object.entries(operation.requestBody?.content ?? {}).flatMap(([type, media]) =>
      media.schema ? [{ where: `${label} body (${type})`, schema: media.schema }] : [],
    ),
  ]);
}

/** True when `value` is an instance of the schema's type (and enum, when there is one). */
function matchesType(s: JsonSchema, value: unknown): boolean {
  if (s.enum && !s.enum.some((member) => Object.is(member, value))) return false;
  const types = typesOf(s);
  if (types.length === 0) return true;
  return types.some((type) => {
    switch (type) {
      case "string":
        return typeof value === "string";
      case "integer":
        return Number.isInteger(value);
      case "number":
        return typeof value === "number";
      case "boolean":
        return typeof value === "boolean";
      case "array":
        return Array.isArray(value);
      case "null":
        return value === null;
      default:
        return typeof value === "object" && value !== null && !Array.isArray(value);
    }
  });
}

describe("the OpenAPI document states every limit the server enforces", () => {
  it("bounds every string, array and integer a client sends", () => {
    const inputs = clientSentSchemas();
    // Parameters and bodies of ~37 operations: the walk cannot pass by finding nothing.
    expect(inputs.length).toBeGreaterThan(60);
    const unbounded: string[] = [];
    for (const { where, schema } of inputs) {
      walk(schema, where, (s, at) => {
        const missing = missingBound(s);
        if (missing) unbounded.push(`${at}: no ${missing}`);
      });
    }
    expect(unbounded).toEqual([]);
  });

  it("gives every default a value of its schema's type", () => {
    const mismatched: string[] = [];
    let defaults = 0;
    const check = (s: JsonSchema, at: string) => {
      if (s.default === undefined) return;
      defaults += 1;
      if (!matchesType(s, s.default)) mismatched.push(`${at}: default ${JSON.stringify(s.default)}`);
    };
    for (const { where, schema } of clientSentSchemas()) walk(schema, where, check);
    for (const [name, schema] of Object.entries(doc.components.schemas)) walk(schema, name, check);
    expect(defaults).toBeGreaterThan(10);
    expect(mismatched).toEqual([]);
  });

  it("publishes the text limits in code points, as JSON Schema counts them", () => {
    const createNote = resolve({ $ref: "#/components/schemas/CreateNote" });
    expect(createNote.properties?.title).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(createNote.properties?.tags?.items).toMatchObject({ minLength: 1, maxLength: 40 });
    const register = resolve({ $ref: "#/components/schemas/RegisterRequest" });
    expect(register.properties?.password).toMatchObject({ maxLength: 128 });
    expect(register.properties?.display_name).toMatchObject({ minLength: 1, maxLength: 100 });
    const listNotes = doc.paths["/notes"]?.get?.parameters ?? [];
    expect(listNotes.find((p) => p.name === "trashed")?.schema.default).toBe("false");
    expect(listNotes.find((p) => p.name === "limit")?.schema).toMatchObject({
      format: "int32",
      minimum: 1,
      maximum: 100,
    });
  });
});
