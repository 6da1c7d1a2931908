import { base64url, constantTimeEqual, fromBase64url, hmacSha256 } from "./crypto.ts";
import { ApiError } from "./problem.ts";

/**
 * Opaque keyset cursors: the position plus the query shape they belong to (owner, sort,
 * filters), signed with HMAC so a client cannot forge a position or reuse a cursor for
 * another user or another query. Any mismatch is a 400, never a wrong page.
 */
export interface CursorEnvelope<P> {
  /** Binds the cursor to the exact query it was issued for. */
  scope: string;
  position: P;
}

const encoder = new TextEncoder();

export async function encodeCursor<P>(secret: string, scope: string, position: P): Promise<string> {
  const payload = base64url(encoder.encode(JSON.stringify({ scope, position } satisfies CursorEnvelope<P>)));
  return `${payload}.${base64url(await hmacSha256(secret, payload))}`;
}

function invalidCursor(detail: string): ApiError {
  return new ApiError("bad-request", {
    detail,
    errors: [{ path: "query.cursor", message: detail }],
    title: "Invalid cursor",
  });
}

export async function decodeCursor<P>(secret: string, scope: string, cursor: string): Promise<P> {
  const [payload, signature, extra] = cursor.split(".");
  if (!payload || !signature || extra !== undefined || cursor.length > 2048) {
    throw invalidCursor("The cursor is malformed.");
  }
  let valid = false;
  try {
    valid = constantTimeEqual(fromBase64url(signature), await hmacSha256(secret, payload));
  } catch {
    valid = false;
  }
  if (!valid) throw invalidCursor("The cursor is not one this API issued (it was altered or truncated).");
  const envelope = JSON.parse(new TextDecoder().decode(fromBase64url(payload))) as CursorEnvelope<P>;
  if (envelope.scope !== scope) {
    throw invalidCursor(
      "The cursor belongs to a different query (user, sort or filters); start from the first page.",
    );
  }
  return envelope.position;
}

/** Sets `Link: <…>; rel="next"` for the next page, keeping every other query parameter. */
export function nextLink(requestUrl: string, cursor: string): string {
  const url = new URL(requestUrl);
  url.searchParams.set("cursor", cursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}
