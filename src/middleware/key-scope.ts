import type { KeyRequirement } from "../auth/scopes.ts";
import { TOKEN_ISSUER } from "../auth/tokens.ts";
import type { Caller } from "../env.ts";
import { ApiError } from "../lib/problem.ts";

/**
 * Minting credentials needs an interactive session (a JWT from /auth/login): a leaked
 * API key must not be able to mint more keys.
 */
export function requireSession(caller: Caller): void {
  if (caller.via !== "jwt") {
    throw new ApiError("forbidden", { detail: "This action needs a login session token, not an API key." });
  }
}

/**
 * Holds an API key to what its route declared (route-options.ts), before anything is charged
 * or read: a session passes (it has the account's full rights); a key passes only with the
 * declared scope. A route that declared nothing accepts no key at all, so forgetting the
 * declaration closes the route to keys rather than opening it (the document walker,
 * test/workers/auth.scopes.test.ts, also fails on it).
 */
export function checkKeyRequirement(caller: Caller, requirement: KeyRequirement | undefined): void {
  if (caller.via !== "api_key" || requirement === "any") return;
  if (requirement === undefined) {
    throw new ApiError("forbidden", { detail: "This operation accepts no API key; use a login session." });
  }
  if (requirement === "session") {
    requireSession(caller);
    return;
  }
  if (caller.scopes?.includes(requirement)) return;
  throw new ApiError("insufficient-scope", {
    detail: `This API key lacks the scope ${requirement}.`,
    extensions: { required_scope: requirement },
    // RFC 6750 §3.1: the challenge names the scope that would have been enough.
    headers: {
      "WWW-Authenticate": `Bearer realm="${TOKEN_ISSUER}", error="insufficient_scope", scope="${requirement}"`,
    },
  });
}
