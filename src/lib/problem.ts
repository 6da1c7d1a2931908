import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/**
 * Every error leaves the API as an RFC 9457 problem document. The `type` URIs are
 * stable identifiers clients may switch on; they never change once published.
 */
export const PROBLEM_TYPE_BASE = "https://devhub-api.dev/problems/";

export const PROBLEMS = {
  "bad-request": { status: 400, title: "Bad Request" },
  "malformed-json": { status: 400, title: "Malformed JSON" },
  unauthorized: { status: 401, title: "Unauthorized" },
  forbidden: { status: 403, title: "Forbidden" },
  "insufficient-scope": { status: 403, title: "Insufficient Scope" },
  "not-found": { status: 404, title: "Not Found" },
  "method-not-allowed": { status: 405, title: "Method Not Allowed" },
  "not-acceptable": { status: 406, title: "Not Acceptable" },
  conflict: { status: 409, title: "Conflict" },
  "quota-exceeded": { status: 409, title: "Quota Exceeded" },
  gone: { status: 410, title: "Gone" },
  "cursor-expired": { status: 410, title: "Cursor Expired" },
  "precondition-failed": { status: 412, title: "Precondition Failed" },
  "payload-too-large": { status: 413, title: "Payload Too Large" },
  "unsupported-media-type": { status: 415, title: "Unsupported Media Type" },
  "validation-failed": { status: 422, title: "Validation Failed" },
  "upgrade-required": { status: 426, title: "Upgrade Required" },
  "precondition-required": { status: 428, title: "Precondition Required" },
  "rate-limited": { status: 429, title: "Too Many Requests" },
  "too-many-live-sockets": { status: 429, title: "Too Many Live Sockets" },
  "poll-closed": { status: 409, title: "Poll Closed" },
  "already-voted": { status: 409, title: "Already Voted" },
  "poll-has-votes": { status: 409, title: "Poll Has Votes" },
  "ballot-not-found": { status: 404, title: "Ballot Not Found" },
  "vote-changes-disabled": { status: 409, title: "Vote Changes Disabled" },
  "results-hidden": { status: 403, title: "Results Not Visible Yet" },
  "invalid-voter-cookie": { status: 400, title: "Invalid Voter Cookie" },
  "invite-required": { status: 403, title: "Invitation Required" },
  "not-invite-only": { status: 409, title: "Poll Not Invite-Only" },
  "vote-limit-reached": { status: 429, title: "Vote Limit Reached" },
  "internal-error": { status: 500, title: "Internal Server Error" },
  "bad-gateway": { status: 502, title: "Bad Gateway" },
  "live-results-full": { status: 503, title: "Live Results Full" },
  "dependency-unavailable": { status: 503, title: "Service Unavailable" },
  "gateway-timeout": { status: 504, title: "Gateway Timeout" },
} as const satisfies Record<string, { status: ContentfulStatusCode; title: string }>;

export type ProblemSlug = keyof typeof PROBLEMS;

export interface FieldError {
  /** JSON-pointer-like location, e.g. `body.tags.3` or `query.limit`. */
  path: string;
  message: string;
}

export interface ProblemInit {
  detail: string;
  /** Overrides the slug's default status where one type spans several (e.g. already-voted is a 409). */
  status?: ContentfulStatusCode;
  title?: string;
  errors?: FieldError[];
  headers?: Record<string, string>;
  /** Extra members (RFC 9457 extensions), e.g. `dependency` on a 503. */
  extensions?: Record<string, unknown>;
}

/**
 * The one error type handlers throw. The app's error handler renders it.
 *
 * @example throw new ApiError("not-found", { detail: "Note 0190… does not exist." })
 */
export class ApiError extends HTTPException {
  readonly slug: string;
  readonly init: ProblemInit;

  constructor(slug: ProblemSlug | (string & {}), init: ProblemInit) {
    const known = PROBLEMS[slug as ProblemSlug];
    const status = init.status ?? known?.status ?? 500;
    super(status, { message: init.detail });
    this.slug = slug;
    this.init = init;
  }
}

const statusToSlug = new Map<number, ProblemSlug>(
  Object.entries(PROBLEMS).map(([slug, { status }]) => [status, slug as ProblemSlug]),
);

/** Maps a bare status (e.g. from Hono's own HTTPExceptions) to its problem type. */
export function slugForStatus(status: number): ProblemSlug {
  return statusToSlug.get(status) ?? (status >= 500 ? "internal-error" : "bad-request");
}

export function problemResponse(c: Context, slug: string, init: ProblemInit): Response {
  const known = PROBLEMS[slug as ProblemSlug];
  const status = init.status ?? known?.status ?? 500;
  const body = {
    type: `${PROBLEM_TYPE_BASE}${slug}`,
    title: init.title ?? known?.title ?? "Error",
    status,
    detail: init.detail,
    instance: new URL(c.req.url).pathname,
    request_id: c.get("requestId"),
    ...(init.errors ? { errors: init.errors } : {}),
    ...init.extensions,
  };
  const headers = new Headers(init.headers);
  // JSON is UTF-8 by definition (RFC 8259 §8.1), so no charset: the same policy as application/json.
  headers.set("Content-Type", "application/problem+json");
  headers.set("Cache-Control", "no-store");
  return new Response(JSON.stringify(body), { status, headers });
}
