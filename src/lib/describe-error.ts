import { DrizzleQueryError } from "drizzle-orm/errors";

export interface ErrorDescription {
  /**
   * A stable class name: the exception's; `DatabaseError` for errors the server raised;
   * `DatabaseUnavailable` when the database could not be reached or gave up (no connection,
   * connection lost, shutting down, too many connections, statement timeout).
   */
  type: string;
  message: string;
  /** Postgres SQLSTATE when the database raised it. */
  code?: string;
}

/**
 * SQLSTATEs meaning "the database cannot serve this now" rather than "this query is wrong":
 * connection exceptions (08), insufficient resources (53), operator intervention (57: admin
 * shutdown, statement timeout / cancel).
 */
const UNAVAILABLE_SQLSTATE = /^(08|53|57)/;
const SQLSTATE = /^[0-9A-Z]{5}$/;

/**
 * What may be said about an exception in logs, metrics and (outside deployed environments)
 * 500 bodies. Drizzle's query errors embed the SQL and its parameters (password hashes,
 * token hashes, user text) in their message, so only the driver's own error is described.
 */
export function describeError(error: unknown): ErrorDescription {
  const fromDrizzle =
    error instanceof DrizzleQueryError ||
    (error instanceof Error && error.message.startsWith("Failed query:"));
  if (fromDrizzle) {
    const cause = (error as Error & { cause?: unknown }).cause as
      | { message?: string; code?: string }
      | undefined;
    const sqlstate = typeof cause?.code === "string" && SQLSTATE.test(cause.code) ? cause.code : undefined;
    // No SQLSTATE means the server never answered: the connection failed or was lost.
    const unavailable = !sqlstate || UNAVAILABLE_SQLSTATE.test(sqlstate);
    return {
      type: unavailable ? "DatabaseUnavailable" : "DatabaseError",
      message: cause?.message ?? "The database rejected a query.",
      ...(sqlstate ? { code: sqlstate } : {}),
    };
  }
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const fromPostgres = typeof code === "string" && SQLSTATE.test(code) && "severity" in error;
    return {
      type: fromPostgres
        ? UNAVAILABLE_SQLSTATE.test(code)
          ? "DatabaseUnavailable"
          : "DatabaseError"
        : error.name || "Error",
      message: error.message,
      ...(fromPostgres ? { code } : {}),
    };
  }
  return { type: "UnknownError", message: String(error) };
}
