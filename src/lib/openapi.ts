import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";
import { PROBLEM_TYPE_BASE } from "./problem.ts";
import { validationHook } from "./validation.ts";

/** Every router is built the same way, so validation errors look the same everywhere. */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({ strict: true, defaultHook: validationHook });
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: `${PROBLEM_TYPE_BASE}not-found` }),
    title: z.string().openapi({ example: "Not Found" }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: "No route matches GET /nope." }),
    instance: z.string().openapi({ example: "/nope" }),
    request_id: z.string().openapi({ example: "0b9c6d2e-4a51-4f8e-9a43-2f1d7a3c5e10" }),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Field-level validation errors (422 only)." }),
  })
  .passthrough()
  .openapi("Problem", { description: "RFC 9457 problem details." });
export type Problem = z.infer<typeof ProblemSchema>;

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** `Retry-After` as every 429 and 503 declares it. */
export const retryAfterHeader = {
  description: "Seconds to wait before retrying.",
  schema: { type: "integer" as const, minimum: 1 },
};
const retryAfter = { "Retry-After": retryAfterHeader };

/**
 * Responses any route can produce, spread into each route so the OpenAPI document
 * tells clients about every status they may see, errors included.
 */
export const commonErrorResponses = {
  400: problem("Malformed request (e.g. invalid JSON)."),
  405: {
    ...problem("Method not allowed on this path."),
    headers: {
      Allow: { description: "The methods this path answers.", schema: { type: "string" as const } },
    },
  },
  406: problem("None of the media types in `Accept` can be produced here."),
  413: problem("Request body over the size limit."),
  415: problem("Unsupported request media type."),
  422: problem("Validation failed; see `errors`."),
  500: problem("Unexpected server error; quote the request id."),
} as const;

export const notFoundResponse = { 404: problem("The resource does not exist.") } as const;
export const unauthorizedResponse = { 401: problem("Missing, invalid or expired credentials.") } as const;

/** A 403 with a route-specific reason. */
export const forbiddenResponse = (why: string) => ({ 403: problem(why) });
/** A 409 with a route-specific reason. */
export const conflictResponse = (why: string) => ({ 409: problem(why) });

/** A JSON content map for a request body or response. */
export const jsonContent = <T extends z.ZodType>(schema: T) => ({ "application/json": { schema } });
/** A required JSON request body. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: jsonContent(schema),
});
/** A 503 that says when to come back (every one the API sends carries `Retry-After`). */
export const unavailableProblem = (why: string) => ({ 503: { ...problem(why), headers: retryAfter } });
/** Every operation that reads or writes PostgreSQL: an outage is a 503, never a 500. */
export const unavailableResponse = unavailableProblem(
  "The database is unavailable; retry after `Retry-After`.",
);
/** The errors of an operation that reads or writes PostgreSQL: the common ones plus its 503. */
export const databaseErrorResponses = { ...commonErrorResponses, ...unavailableResponse };
export { problem as problemResponseSpec };

/** A response of a generated document, as the whole-document declarations below touch it. */
export interface DocumentResponse {
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, unknown>;
}
/** An operation of a generated document: its responses and whatever else the route declared. */
export interface DocumentOperation extends Record<string, unknown> {
  responses?: Record<string, DocumentResponse>;
}
interface GeneratedDocument {
  paths?: Record<string, Record<string, DocumentOperation>>;
  components?: Record<string, Record<string, unknown>>;
}

/**
 * The one walk behind every declaration made over the whole generated document rather than
 * in each route (so a new route cannot forget it: X-Request-Id, the rate limits): adds
 * `headers` to the reusable headers, then hands each operation's path (`/notes/{id}`),
 * method, responses and the operation itself to `declare`.
 */
export function declareOverDocument<T extends object>(
  document: T,
  headers: Record<string, unknown>,
  declare: (
    path: string,
    method: string,
    responses: Record<string, DocumentResponse>,
    operation: DocumentOperation,
  ) => void,
): T {
  const doc = document as GeneratedDocument;
  doc.components ??= {};
  doc.components.headers = { ...doc.components.headers, ...headers };
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations)) {
      operation.responses ??= {};
      declare(path, method, operation.responses, operation);
    }
  }
  return document;
}
