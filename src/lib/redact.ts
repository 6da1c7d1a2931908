/**
 * Structural redaction: any field whose *name* looks secret is replaced before a log
 * line is serialised, however deep it sits, so a new call site cannot leak by accident.
 */
const SECRET_KEY =
  /authorization|cookie|password|passwd|secret|token|api[-_]?key|^key$|signature|credential/i;
const BEARER_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/**
 * Matches our own API keys (`dh_`), refresh tokens (`dhr_`), poll invitations (`dhi_`) and JWT-shaped strings even
 * inside free text such as a request path. The secrets are base64url, so `-` and `_` are
 * part of them: a pattern stopping at `-` would let about one key in five through.
 */
const TOKEN_SHAPED = /(dh[ri]?_[A-Za-z0-9_-]{16,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/g;
/** No log field needs more; a 20 KB header must not become a 20 KB log line. */
const MAX_LOGGED_CHARS = 2048;

export const REDACTED = "[REDACTED]";

export function redactText(text: string): string {
  const clipped =
    text.length > MAX_LOGGED_CHARS
      ? `${text.slice(0, MAX_LOGGED_CHARS)}…[${text.length - MAX_LOGGED_CHARS} more chars]`
      : text;
  return clipped.replace(BEARER_VALUE, `$1 ${REDACTED}`).replace(TOKEN_SHAPED, REDACTED);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return "[TRUNCATED]";
  if (typeof value === "string") return redactText(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value instanceof Error) return { name: value.name, message: redactText(value.message) };
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = SECRET_KEY.test(key) ? REDACTED : redact(inner, depth + 1);
    }
    return out;
  }
  return value;
}
