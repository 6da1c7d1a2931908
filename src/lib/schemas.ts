import { z } from "@hono/zod-openapi";

/**
 * Input schemas several route groups share. Each one publishes the bound it enforces, in
 * the unit the OpenAPI document uses: JSON Schema's `maxLength` counts code points, while
 * zod's `.max()` counts UTF-16 units, so text limits are checked here in code points and
 * the document's number is then exactly the server's.
 */

/** Code points, the unit of JSON Schema's `minLength`/`maxLength` (an emoji is one, not two). */
export function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length += 1;
  return length;
}

/** Postgres text cannot hold NUL; refusing it here keeps it a 422 instead of a 500. */
const hasNoNul = (text: string) => !text.includes("\u0000");
const NUL_MESSAGE = "Must not contain null bytes.";

/**
 * A UUID as the document's `format: uuid` allows it: any 8-4-4-4-12 hex string, whatever its
 * version or variant (the nil UUID included). Ids we issue are v7, but one we never issued is
 * simply not found (404), not malformed (422).
 */
export const uuidSchema = () =>
  z.guid({ message: "Must be a UUID." }).openapi({ format: "uuid", minLength: 36, maxLength: 36 });

/** The `{id}` path parameter of every resource addressed by UUID (notes, polls, users, keys). */
export const IdParamSchema = z.object({
  id: uuidSchema().openapi({
    param: { name: "id", in: "path" },
    example: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b",
  }),
});

/**
 * Free text kept as sent apart from a NUL check, at most `max` code points
 * (search terms, filters).
 */
export function boundedText(max: number) {
  return z
    .string()
    .refine((text) => codePointLength(text) <= max, { message: `Must be at most ${max} characters.` })
    .refine(hasNoNul, { message: NUL_MESSAGE })
    .openapi({ maxLength: max });
}

/**
 * Human text (titles, names, prompts, labels): NFC-normalised and trimmed before it is
 * stored. The length limit holds both for the text as sent, which is what the document's
 * `maxLength` describes, and for the stored form (NFC can lengthen a few scripts' text).
 * Unless `allowEmpty`, something other than whitespace must remain: the document says so
 * with `pattern: "\\S"` (ECMAScript `\s` is exactly the set `trim()` removes).
 */
export function trimmedText(max: number, { allowEmpty = false } = {}) {
  const tooLong = { message: `Must be at most ${max} characters.` };
  return z
    .string()
    .refine((text) => codePointLength(text) <= max, tooLong)
    .transform((text) => text.normalize("NFC").trim())
    .pipe(
      z
        .string()
        .refine((text) => allowEmpty || text.length > 0, { message: "Must not be empty." })
        .refine((text) => codePointLength(text) <= max, tooLong)
        .refine(hasNoNul, { message: NUL_MESSAGE }),
    )
    .openapi(allowEmpty ? { maxLength: max } : { minLength: 1, maxLength: max, pattern: "\\S" });
}

/** An integer as a query string writes it: decimal digits, no sign, exponent, space or leading zero. */
const DECIMAL_DIGITS = /^(0|[1-9][0-9]*)$/;

/**
 * An integer query parameter from `min` to `max`. Only the canonical decimal form is read:
 * `+5`, `1e2`, `05` or ` 5` are 422 (Number() would take them all), so one value has one
 * spelling and the document's `type: integer` is the whole rule.
 */
export function integerQuery(min: number, max: number) {
  const message = `Must be an integer between ${min} and ${max}, in decimal digits.`;
  return z.preprocess(
    (value) => (typeof value === "string" && !DECIMAL_DIGITS.test(value) ? Number.NaN : value),
    z.coerce.number({ message }).int({ message }).min(min, { message }).max(max, { message }),
  );
}

/**
 * The page size of every list: one schema, so every list answers a bad `limit` alike.
 * `fallback` and `max` differ per list (a GitHub listing is cheap to cut, a notes page is not).
 */
export function limitQuery({ fallback = 20, max = 100 }: { fallback?: number; max?: number } = {}) {
  return integerQuery(1, max)
    .default(fallback)
    .openapi({ format: "int32", description: `Page size, 1–${max}, in decimal digits.` });
}

/** The opaque, signed `next_cursor` of a previous page (lib/pagination.ts checks it). */
export function cursorQuery() {
  return z.string().max(2048).optional().openapi({ description: "`next_cursor` of the previous page." });
}

/** A 32-bit integer in a body or query; the document states its format and range. */
export function int32(min: number, max: number) {
  return z.number().int().min(min).max(max).openapi({ format: "int32" });
}

const trueOrFalse = z.enum(["true", "false"], { message: "Must be true or false." });

/**
 * A `true`/`false` query flag. The default is published as the string the client would
 * send (`"false"`), so it matches the parameter's string enum; the handler sees a boolean.
 */
export function booleanQuery(fallback: boolean) {
  return trueOrFalse.default(fallback ? "true" : "false").transform((value) => value === "true");
}

/** A `true`/`false` query flag with no default: absent means "either". */
export const optionalBooleanQuery = () => trueOrFalse.transform((value) => value === "true").optional();
