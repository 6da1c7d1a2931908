/**
 * Structural redaction: any field whose *name* looks secret is replaced before a log
 * line is serialised, however deep it sits, so a new call site cannot leak by accident.
 */
const SECRET_KEY =
  /authorization|cookie|password|passwd|secret|token|api[-_]?key|^key$|signature|credential/i;
const BEARER_VALUE = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
/** Matches our own API keys and JWT-shaped strings even when they appear inside free text. */
const TOKEN_SHAPED = /\b(dh_[A-Za-z0-9_]{16,}|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*)/g;

export const REDACTED = "[REDACTED]";

export function redactText(text: string): string {
  return text.replace(BEARER_VALUE, `$1 ${REDACTED}`).replace(TOKEN_SHAPED, REDACTED);
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
