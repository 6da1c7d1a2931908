/**
 * Markdown → HTML for text nobody here wrote (READMEs, release notes), safe by construction:
 * every character of the source is HTML-escaped first, and only the tags this file writes
 * can appear in the output. Raw HTML in the Markdown therefore shows as text, links keep
 * only http(s) and mailto targets (no `javascript:`, `data:` or relative URLs, which would
 * resolve against this API), and no attribute but `href` (and `rel`) is ever written.
 * A deliberate subset of CommonMark: headings, paragraphs, fenced code, lists, quotes,
 * rules, code spans, strong/emphasis and links; images render as links.
 */

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);

/** A link target we write: absolute http(s) or mailto, already escaped (so `&` is `&amp;`). */
const SAFE_URL = /^(?:https?:\/\/|mailto:)[^\s]*$/i;

/** Inline Markdown over one already-escaped, code-free piece of text. */
function inlineText(escaped: string): string {
  return escaped
    .replace(/!?\[([^\]<]*)\]\(([^)\s]+)\)/g, (_all, text: string, url: string) =>
      SAFE_URL.test(url) ? `<a href="${url}" rel="nofollow noopener noreferrer">${text}</a>` : text,
    )
    .replace(/\*\*([^*<]+)\*\*/g, "<strong>$1</strong>")
    .replace(/__([^_<]+)__/g, "<strong>$1</strong>")
    .replace(/\*([^*<]+)\*/g, "<em>$1</em>")
    .replace(/(^|[\s(])_([^_<]+)_(?=$|[\s).,;:!?])/g, "$1<em>$2</em>");
}

/** Code spans first (their content is never formatted), the rest through `inlineText`. */
export function renderInline(source: string): string {
  return source
    .split(/(`[^`\n]+`)/)
    .map((part, index) =>
      index % 2 === 1 ? `<code>${escapeHtml(part.slice(1, -1))}</code>` : inlineText(escapeHtml(part)),
    )
    .join("");
}

type Block = { kind: "p" | "ul" | "ol" | "blockquote"; lines: string[] };

/** Renders `markdown` as described above. Output grows linearly with input (no nesting). */
export function renderMarkdown(markdown: string): string {
  const out: string[] = [];
  let block: Block | null = null;
  const flush = () => {
    if (!block) return;
    if (block.kind === "p") out.push(`<p>${block.lines.map(renderInline).join("\n")}</p>`);
    else if (block.kind === "blockquote")
      out.push(`<blockquote><p>${block.lines.map(renderInline).join("\n")}</p></blockquote>`);
    else
      out.push(
        `<${block.kind}>${block.lines.map((line) => `<li>${renderInline(line)}</li>`).join("")}</${block.kind}>`,
      );
    block = null;
  };
  const add = (kind: Block["kind"], line: string) => {
    if (block?.kind !== kind) flush();
    block ??= { kind, lines: [] };
    block.lines.push(line);
  };
  const lines = markdown.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] as string;
    const fence = /^\s{0,3}(`{3,}|~{3,})\s*([\w+-]{0,30})/.exec(line);
    if (fence) {
      flush();
      const code: string[] = [];
      for (
        i += 1;
        i < lines.length && !(lines[i] as string).trimStart().startsWith(fence[1] as string);
        i += 1
      )
        code.push(lines[i] as string);
      const language = fence[2] ? ` class="language-${escapeHtml(fence[2])}"` : "";
      out.push(`<pre><code${language}>${escapeHtml(code.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      flush();
      const level = (heading[1] as string).length;
      out.push(`<h${level}>${renderInline(heading[2] as string)}</h${level}>`);
    } else if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.push("<hr>");
    } else if (/^\s{0,3}[-*+]\s+/.test(line)) add("ul", line.replace(/^\s{0,3}[-*+]\s+/, ""));
    else if (/^\s{0,3}\d{1,9}[.)]\s+/.test(line)) add("ol", line.replace(/^\s{0,3}\d{1,9}[.)]\s+/, ""));
    else if (/^\s{0,3}>/.test(line)) add("blockquote", line.replace(/^\s{0,3}>\s?/, ""));
    else if (line.trim() === "") flush();
    else add("p", line.trim());
  }
  flush();
  return out.join("\n");
}
