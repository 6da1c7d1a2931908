import { raw } from "hono/html";

/**
 * JSON for a `<script type="application/json">` data block: never executed (so no CSP
 * exception), and `<`, `>`, `&` and the JS line separators are escaped so user content
 * cannot close the element or start a comment.
 */
export function jsonForScript(value: unknown) {
  const json = JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
  return raw(json);
}
