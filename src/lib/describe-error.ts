import { DrizzleQueryError } from "drizzle-orm/errors";

export interface ErrorDescription {
  /** A stable class name: the exception's, or `DatabaseError` for anything from the driver. */
  type: string;
  message: string;
  /** Postgres SQLSTATE when the database raised it. */
  code?: string;
}

/**
 * What may be said about an exception in logs, metrics and (outside deployed environments)
 * 500 bodies. Drizzle's query errors embed the SQL and its parameters (password hashes,
 * token hashes, user text) in their message, so only the driver's own error is described.
 */
export function describeError(error: unknown): ErrorDescription {
  if (
    error instanceof DrizzleQueryError ||
    (error instanceof Error && error.message.startsWith("Failed query:"))
  ) {
    const cause = (error as Error & { cause?: unknown }).cause as
      | { message?: string; code?: string }
      | undefined;
    return {
      type: "DatabaseError",
      message: cause?.message ?? "The database rejected a query.",
      ...(typeof cause?.code === "string" ? { code: cause.code } : {}),
    };
  }
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const fromPostgres = typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && "severity" in error;
    return {
      type: fromPostgres ? "DatabaseError" : error.name || "Error",
      message: error.message,
      ...(fromPostgres ? { code } : {}),
    };
  }
  return { type: "UnknownError", message: String(error) };
}
