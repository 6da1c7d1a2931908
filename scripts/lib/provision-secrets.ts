/**
 * The pure decisions `npm run provision` makes about secrets: what a printed connection
 * string may show, and whether an existing JWT_SECRET is kept. Kept apart from the wrangler
 * calls so the tests can feed them fake `wrangler secret list` output.
 */

/** Printed instead of a connection string that does not parse (it may hold anything). */
export const UNPARSABLE_URL = "<connection string not shown: unparsable>";

/**
 * Shows a connection string without its password: the userinfo password (parsed by the URL
 * standard, so a raw `@` inside it cannot end it early) and any `password`-like query
 * parameter (libpq accepts `?password=` and `?sslpassword=`).
 */
export function redactUrl(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return UNPARSABLE_URL;
  }
  // `app:pw@db/x` parses too, as scheme `app:` with an opaque path holding the password.
  if (!url.href.startsWith(`${url.protocol}//`)) return UNPARSABLE_URL;
  if (url.password) url.password = "***";
  const secretParams = [...url.searchParams.keys()].filter((key) => /password/i.test(key));
  for (const key of secretParams) url.searchParams.delete(key);
  return url.href;
}

/** Secret names in `wrangler secret list --format json` output (`[{ "name", "type" }]`). */
export function secretNamesIn(listJson: string): string[] {
  const parsed: unknown = JSON.parse(listJson);
  if (!Array.isArray(parsed)) throw new Error("wrangler secret list did not print a JSON array");
  return parsed.map((entry: { name?: unknown }) => {
    if (typeof entry?.name !== "string")
      throw new Error("wrangler secret list printed an entry without a name");
    return entry.name;
  });
}

/**
 * What provision does with JWT_SECRET. It also keys voter cookies, per-address vote-cap
 * hashes and cursors, so replacing it logs everyone out and resets vote caps: an existing
 * one is kept unless the operator gives a value or asks to rotate.
 *   - "set-given": JWT_SECRET is in the environment; put that value.
 *   - "rotate": `--rotate-jwt-secret`; put a fresh random value.
 *   - "keep": the worker already has one; put nothing.
 *   - "create": the worker has none; put a fresh random value.
 */
export type JwtSecretAction = "set-given" | "rotate" | "keep" | "create";

export function jwtSecretAction(options: {
  given: boolean;
  rotate: boolean;
  /** Names from `wrangler secret list`; undefined when the list was not needed. */
  existing?: readonly string[];
}): JwtSecretAction {
  if (options.given) return "set-given";
  if (options.rotate) return "rotate";
  if (options.existing === undefined) throw new Error("the worker's secret list is needed to decide");
  return options.existing.includes("JWT_SECRET") ? "keep" : "create";
}
