import type { Hook } from "@hono/zod-openapi";
import type { z } from "zod";
import type { AppEnv } from "../env.ts";
import { ApiError, type FieldError } from "./problem.ts";

/** Where a value came from, in the words a client uses: `body.title`, `query.limit`, `path.id`. */
const TARGET_PREFIX: Record<string, string> = {
  json: "body",
  form: "body",
  query: "query",
  param: "path",
  header: "header",
  cookie: "cookie",
};

export function fieldErrors(error: z.ZodError, target: string): FieldError[] {
  const prefix = TARGET_PREFIX[target] ?? target;
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].join("."),
    message: issue.message,
  }));
}

/**
 * The default hook for every OpenAPI route: a failed zod parse becomes one 422 problem
 * listing every offending field, instead of zod's raw error object.
 */
// biome-ignore lint/suspicious/noExplicitAny: the hook is shared by routes of every input shape.
export const validationHook: Hook<any, AppEnv, any, any> = (result) => {
  if (result.success) return;
  const errors = fieldErrors(result.error as z.ZodError, result.target);
  const first = errors[0];
  throw new ApiError("validation-failed", {
    detail:
      errors.length === 1 && first
        ? `Invalid ${first.path}: ${first.message}`
        : `${errors.length} fields failed validation.`,
    errors,
  });
};
