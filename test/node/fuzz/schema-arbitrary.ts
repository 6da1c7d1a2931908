import fc from "fast-check";
import type { JsonSchema } from "../../helpers/openapi-document.ts";

export type Resolver = (schema: JsonSchema) => JsonSchema;

export function resolverFor(doc: { components?: { schemas?: Record<string, JsonSchema> } }): Resolver {
  return (schema) => {
    let current = schema;
    for (let depth = 0; current.$ref && depth < 10; depth += 1) {
      const name = current.$ref.replace("#/components/schemas/", "");
      current = doc.components?.schemas?.[name] ?? {};
    }
    return current;
  };
}

/**
 * Inputs that once answered 500 (issue 12): runs of `-` that overflow websearch_to_tsquery,
 * year 0000, and UTC offsets past PostgreSQL's ±15:59.
 */
export const HOSTILE_VALUES = [
  "-".repeat(33),
  "-".repeat(200),
  `a ${"- ".repeat(40)}`,
  `${"-".repeat(60)}word`,
  "0000-06-15T00:00:00+05:00",
  "0000-01-01T00:00:00Z",
  "0001-01-01T00:00:00+05:00",
  "2020-01-01T00:00:00-18:34",
  "2099-01-01T00:00:00+16:00",
  "9999-12-31T23:59:59-23:59",
];

/** RFC 3339 date-times with offsets past ±15:59 (valid syntax; must be accepted, not 500). */
const farOffsetDateTime = fc
  .record({
    date: fc.date({ min: new Date("2030-01-01"), max: new Date("2040-01-01"), noInvalidDate: true }),
    sign: fc.constantFrom("+", "-"),
    hours: fc.integer({ min: 16, max: 23 }),
    minutes: fc.integer({ min: 0, max: 59 }),
  })
  .map(
    ({ date, sign, hours, minutes }) =>
      `${date.toISOString().slice(0, 19)}${sign}${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`,
  );

const HEX = [..."0123456789abcdefABCDEF"];

/**
 * Every UUID `format: uuid` allows, not only the v7 ids the API issues: any version and
 * variant, the nil and max UUIDs, upper- and mixed-case hex.
 */
export const anyUuid = fc.oneof(
  fc.uuid({ version: 7 }),
  fc.uuid(),
  fc.constantFrom("00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
  fc
    .tuple(
      ...[8, 4, 4, 4, 12].map((length) =>
        fc.string({ unit: fc.constantFrom(...HEX), minLength: length, maxLength: length }),
      ),
    )
    .map((groups) => groups.join("-")),
);

/** Strings people actually send that break naive code: unicode, RTL, NUL, SQL, huge. */
const nastyString = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "'; DROP TABLE users; --",
    "\u202Eevil",
    "👩‍👩‍👧‍👦",
    "%_\\",
    "null",
    "<script>",
    "é".repeat(300),
    ...HOSTILE_VALUES,
  ),
  fc.string({ minLength: 5000, maxLength: 5000 }),
);

const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true }),
  nastyString,
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.constant({}),
);

/** Valid values for a schema (as far as the schema says; business rules may still refuse them). */
export function valid(schema: JsonSchema, resolve: Resolver, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const choices = s.anyOf ?? s.oneOf;
  if (choices?.length) return fc.oneof(...choices.map((choice) => valid(choice, resolve, depth + 1)));
  if (s.allOf?.length) return valid(s.allOf[0] as JsonSchema, resolve, depth + 1);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : ["object"];
  const type = types.find((t) => t !== "null") ?? "null";
  switch (type) {
    case "string": {
      if (s.format === "uuid") return anyUuid;
      // The document's pattern narrows the format (the server takes a subset of RFC 5321).
      if (s.format === "email") {
        const pattern = s.pattern ? new RegExp(s.pattern, "u") : undefined;
        return fc.emailAddress().filter((email) => !pattern || pattern.test(email));
      }
      if (s.format === "date-time")
        return fc.oneof(
          fc
            .date({ min: new Date("2030-01-01"), max: new Date("2040-01-01"), noInvalidDate: true })
            .map((d) => d.toISOString()),
          farOffsetDateTime,
        );
      return fc.string({
        minLength: Math.max(1, s.minLength ?? 1),
        maxLength: Math.min(s.maxLength ?? 40, 40),
      });
    }
    case "integer":
      return fc.integer({ min: s.minimum ?? (s.exclusiveMinimum ?? -1) + 1, max: s.maximum ?? 1000 });
    case "number":
      return fc.double({ min: s.minimum ?? -1000, max: s.maximum ?? 1000, noNaN: true });
    case "boolean":
      return fc.boolean();
    case "array":
      if (depth > 4) return fc.constant([]);
      return fc.array(valid(s.items ?? {}, resolve, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case "null":
      return fc.constant(null);
    default: {
      if (depth > 4) return fc.constant({});
      const properties = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of Object.entries(properties))
        record[name] = valid(property, resolve, depth + 1);
      return fc.record(record, { requiredKeys: [...required].filter((key) => key in record) });
    }
  }
}

/** A valid value with one thing broken: a wrong type, a missing or extra field, a nasty string. */
export function mutated(schema: JsonSchema, resolve: Resolver): fc.Arbitrary<unknown> {
  const s = resolve(schema);
  const base = valid(s, resolve);
  const properties = Object.keys(s.properties ?? {});
  const mutations: Array<fc.Arbitrary<unknown>> = [anyJson, nastyString];
  if (properties.length) {
    const field = fc.constantFrom(...properties);
    mutations.push(
      fc
        .tuple(base, field, anyJson)
        .map(([value, name, replacement]) => ({ ...(value as object), [name]: replacement })),
      fc.tuple(base, field).map(([value, name]) => {
        const copy = { ...(value as Record<string, unknown>) };
        delete copy[name];
        return copy;
      }),
      fc
        .tuple(base, nastyString)
        .map(([value, extra]) => ({ ...(value as object), [`x_${extra.slice(0, 8)}`]: extra })),
      fc
        .tuple(base, field, nastyString)
        .map(([value, name, text]) => ({ ...(value as object), [name]: text })),
    );
  }
  return fc.oneof(...mutations);
}
