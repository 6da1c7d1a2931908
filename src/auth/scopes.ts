/**
 * What an API key may be granted. Each route declares which one it needs (route-options.ts);
 * a login session (JWT) needs none. Admin powers are deliberately not in this list: they
 * never reach a key, so a pasted key can never administer anything.
 */
export const API_KEY_SCOPES = [
  "notes:read",
  "notes:write",
  "polls:read",
  "polls:write",
  "polls:vote",
  "github:read",
  "events:read",
  "webhooks:write",
] as const;

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

/** One line per scope: the OpenAPI security scheme and docs/accounts.md say the same. */
export const SCOPE_DESCRIPTIONS: Record<ApiKeyScope, string> = {
  "notes:read": "Read notes, tags and the trash.",
  "notes:write": "Create, change, delete and restore notes; empty the trash.",
  "polls:read": "Read polls and their results (JSON, CSV, live).",
  "polls:write": "Create, change, close and delete polls.",
  "polls:vote": "Vote in polls.",
  "github:read": "Use the GitHub dashboard (spends the GitHub budget).",
  "events:read": "Read the account's events.",
  "webhooks:write": "Manage the account's webhooks.",
};

/**
 * What a route asks of an API key: one scope; `"any"`, any valid key whatever its scopes
 * (its own profile, its own key listing); or `"session"`, a login session only (minting or
 * rotating keys, the audit trail, admin routes): keys are refused.
 */
export type KeyRequirement = ApiKeyScope | "any" | "session";

export function isApiKeyScope(value: string): value is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(value);
}
