/**
 * A small Markdown-to-HTML renderer for pages that show what a user wrote (a shared note).
 * It is safe by construction rather than by cleaning: every piece of the source is escaped,
 * and the only tags it can emit are the ones it writes itself (`ALLOWED_TAGS`), so raw HTML in
 * a note is shown as text, never passed through. Links keep only absolute http(s) and mailto
 * targets; anything else (javascript:, data:, relative) is rendered as its text.
 *
 * Supported: ATX headings, paragraphs (line breaks kept), `-`/`*`/`+` and numbered lists,
 * `>` quotes, fenced code blocks, `---` rules, inline code, `**strong**`, `*em*`/`_em_`, and
 * `[text](url)`. Not supported (shown as text): images, tables, raw HTML, reference links.
 *
 * @example renderSafeMarkdown("# Hi <b>\n[x](javascript:alert(1))") // "<h1>Hi &lt;b&gt;</h1>\n<p>x</p>"
 */
export const ALLOWED_TAGS = [
  "p",
  "br",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "ul",
  "ol",
  "li",
  "blockquote",
  "pre",
  "code",
  "hr",
  "strong",
  "em",
  "a",
] as const;

const SAFE_SCHEMES = new Set(["http:", "https:", "mailto:"]);
const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/** The link target as it will be written, or undefined when its scheme is not a safe one. */
function safeHref(target: string): string | undefined {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return undefined;
  }
  return SAFE_SCHEMES.has(url.protocol) ? url.href : undefined;
}

const INLINE = /`([^`\n]+)`|\[([^\]\n]+)\]\(([^()\s]+)\)|\*\*([^*\n]+)\*\*|\*([^*\n]+)\*|_([^_\n]+)_/g;

/** Inline spans of one block; `inLink` keeps a link's text from holding another link. */
function inline(text: string, inLink = false): string {
  let out = "";
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    const [whole, code, linkText, target, strong, em, em2] = match;
    out += escapeHtml(text.slice(last, match.index));
    last = match.index + whole.length;
    if (code !== undefined) out += `<code>${escapeHtml(code)}</code>`;
    else if (linkText !== undefined && target !== undefined) {
      const href = inLink ? undefined : safeHref(target);
      out += href
        ? `<a href="${escapeHtml(href)}" rel="nofollow noopener noreferrer">${inline(linkText, true)}</a>`
        : escapeHtml(whole);
    } else if (strong !== undefined) out += `<strong>${inline(strong, inLink)}</strong>`;
    else out += `<em>${inline(em ?? em2 ?? "", inLink)}</em>`;
  }
  return out + escapeHtml(text.slice(last));
}

const lines = (group: string[]) => group.map((line) => inline(line)).join("<br>");

type Block = { kind: "ul" | "ol" | "quote" | "p"; items: string[] };
const LIST_ITEM = { ul: /^\s*[-*+]\s+(.*)$/, ol: /^\s*\d{1,9}[.)]\s+(.*)$/ };

export function renderSafeMarkdown(source: string): string {
  const out: string[] = [];
  let open: Block | undefined;
  const close = () => {
    if (!open) return;
    if (open.kind === "p") out.push(`<p>${lines(open.items)}</p>`);
    else if (open.kind === "quote") out.push(`<blockquote><p>${lines(open.items)}</p></blockquote>`);
    else
      out.push(
        `<${open.kind}>${open.items.map((item) => `<li>${inline(item)}</li>`).join("")}</${open.kind}>`,
      );
    open = undefined;
  };
  const add = (kind: Block["kind"], text: string) => {
    if (open?.kind !== kind) {
      close();
      open = { kind, items: [] };
    }
    open.items.push(text);
  };
  const sourceLines = source.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < sourceLines.length; i++) {
    const line = sourceLines[i] ?? "";
    if (/^\s*```/.test(line)) {
      close();
      const code: string[] = [];
      while (++i < sourceLines.length && !/^\s*```/.test(sourceLines[i] ?? ""))
        code.push(sourceLines[i] ?? "");
      out.push(`<pre><code>${escapeHtml(code.join("\n"))}</code></pre>`);
      continue;
    }
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    const ul = LIST_ITEM.ul.exec(line);
    const ol = LIST_ITEM.ol.exec(line);
    const quote = /^\s*>\s?(.*)$/.exec(line);
    if (line.trim() === "") close();
    else if (/^\s*([-*_])(\s*\1){2,}\s*$/.test(line)) {
      close();
      out.push("<hr>");
    } else if (heading?.[1] && heading[2] !== undefined) {
      close();
      out.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
    } else if (ul?.[1] !== undefined) add("ul", ul[1]);
    else if (ol?.[1] !== undefined) add("ol", ol[1]);
    else if (quote?.[1] !== undefined) add("quote", quote[1]);
    else add("p", line);
  }
  close();
  return out.join("\n");
}
