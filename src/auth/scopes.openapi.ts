import { declareOverDocument } from "../lib/openapi.ts";
import { API_KEY_SCOPES, type KeyRequirement, SCOPE_DESCRIPTIONS } from "./scopes.ts";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
});

/** The bearer scheme as the document describes it: the scopes a key can hold, one per line. */
export const BEARER_SCHEME_DESCRIPTION = [
  "A JWT access token from /auth/login (a session: every right of its account), or a personal API key",
  "(`dh_…`) holding some of these scopes. Each operation names the scope a key needs in its security",
  'requirement (`bearerAuth: ["notes:write"]`) and in `x-api-key-scope`; `any` accepts every key,',
  "`session` none. Admin powers never reach a key.",
  "",
  ...API_KEY_SCOPES.map((scope) => `- \`${scope}\`: ${SCOPE_DESCRIPTIONS[scope]}`),
].join("\n");

/**
 * Every operation that reads a bearer token may answer 401, and one that asks a key for a
 * scope or a session may answer 403 (`insufficient-scope`, `forbidden`): declared here, over
 * the whole document, as the rate limits are, so a new route cannot forget either.
 */
export function declareKeyRequirements<T extends object>(document: T): T {
  return declareOverDocument(document, {}, (_path, _method, responses, operation) => {
    const security = (operation.security as Array<Record<string, string[]>> | undefined) ?? [];
    if (!security.some((option) => "bearerAuth" in option)) return;
    responses["401"] ??= problem("Missing, invalid or expired credentials.");
    const requirement = operation["x-api-key-scope"] as KeyRequirement | undefined;
    if (requirement !== "any") {
      responses["403"] ??= problem(
        requirement === "session" || requirement === undefined
          ? "`forbidden`: an API key was sent where a login session is needed."
          : `\`insufficient-scope\`: the API key lacks \`${requirement}\` (named in \`required_scope\`).`,
      );
    }
  });
}
