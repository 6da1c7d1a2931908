import { z } from "@hono/zod-openapi";

/**
 * RFC 3339 allows instants PostgreSQL's `timestamptz` rejects: year 0000 and UTC offsets
 * past ±15:59 ("time zone displacement out of range"). Input is therefore parsed here,
 * normalised to UTC and range-checked, so SQL only ever sees `…Z` strings it can hold.
 */
// Date.UTC maps years 0–99 to 1900–1999, so year 0001 is set with setUTCFullYear.
const MIN_MS = new Date(Date.UTC(2000, 0, 1)).setUTCFullYear(1);
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** `2026-11-23T10:00:00.123456789+05:30` is 35; the rest is room, and a bound the document states. */
const DATE_TIME_MAX_LENGTH = 64;

/** The UTC ISO form of an RFC 3339 date-time, or undefined when PostgreSQL cannot store it. */
function storableUtc(value: string): string | undefined {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || ms < MIN_MS || ms > MAX_MS) return undefined;
  return new Date(ms).toISOString();
}

/**
 * An RFC 3339 date-time with offset, delivered as UTC ISO; outside years 0001–9999 (after
 * applying the offset) it is a 422, never a database error.
 *
 * @example storableDateTime().parse("2020-01-01T00:00:00-18:34") // "2020-01-01T18:34:00.000Z"
 */
export function storableDateTime(message = "Must be an ISO 8601 date-time.") {
  return z.iso
    .datetime({ offset: true, message })
    .max(DATE_TIME_MAX_LENGTH, { message })
    .refine((value) => storableUtc(value) !== undefined, {
      message: "Must fall between years 0001 and 9999 (UTC).",
    })
    .transform((value) => storableUtc(value) as string)
    .openapi({ maxLength: DATE_TIME_MAX_LENGTH });
}
