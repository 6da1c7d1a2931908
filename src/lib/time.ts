/** A database timestamp (Date from pg, or a string from JSON aggregates) as ISO-8601 UTC. */
export function toIsoString(value: unknown): string {
  return new Date(value as string | Date).toISOString();
}

/** As toIsoString, with SQL NULL (or undefined) staying null. */
export function toIsoOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : toIsoString(value);
}
