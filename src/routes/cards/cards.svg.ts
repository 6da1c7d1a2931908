/**
 * The parts every SVG card shares: text made safe for XML, the themes, the frame with its
 * accessible name and description, and the error card. A card is an image other people
 * embed next to text they trust, so everything from outside is treated as hostile: it is
 * cleaned of what XML 1.0 forbids, of direction overrides and of combining-mark floods,
 * clipped, then escaped. Cards are plain strings (no DOM in the worker) and never carry
 * script, links or external references.
 */

/** Characters XML 1.0 does not allow (lone surrogates included, matched per code point). */
const NOT_XML = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** Bidirectional embeddings, overrides and isolates: a name must not reverse the card's text. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;
/** More than three combining marks on one character ("Zalgo" text) grow a line upward. */
const MARK_FLOOD = /(\p{M}{3})\p{M}+/gu;
const XML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Outside text, cleaned and clipped to `max` code points (with an ellipsis), then XML-escaped. */
export function text(value: unknown, max: number): string {
  // Only the head can be shown: cleaning 5,000 characters to show 40 would be CPU spent on nothing.
  const cleaned = String(value ?? "")
    .slice(0, max * 8)
    .replace(NOT_XML, "")
    .replace(BIDI_CONTROLS, "")
    .replace(MARK_FLOOD, "$1")
    .replace(/\s+/g, " ")
    .trim();
  const points = Array.from(cleaned);
  const clipped = points.length > max ? `${points.slice(0, max - 1).join("")}…` : cleaned;
  return clipped.replace(/[&<>"']/g, (char) => XML_ESCAPES[char] as string);
}

/** Whole numbers as people read them on a card: 1234 → 1.2k, 5600000 → 5.6M. */
export function compact(value: number): string {
  if (!Number.isFinite(value)) return "0";
  const abs = Math.abs(value);
  if (abs < 1000) return String(Math.trunc(value));
  const [unit, size] = abs >= 1e9 ? ["B", 1e9] : abs >= 1e6 ? ["M", 1e6] : ["k", 1e3];
  return `${(value / (size as number)).toFixed(1).replace(/\.0$/, "")}${unit}`;
}

export const THEMES = ["auto", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];

/** GitHub's own light and dark palettes (Primer): text passes WCAG AA on its background. */
const LIGHT =
  ".bg{fill:#ffffff;stroke:#d0d7de}.fg{fill:#1f2328}.muted{fill:#59636e}.accent{fill:#0969da}.track{fill:#eff2f5}";
const DARK =
  ".bg{fill:#0d1117;stroke:#3d444d}.fg{fill:#f0f6fc}.muted{fill:#9198a1}.accent{fill:#4493f8}.track{fill:#262c36}";
const FONT =
  "text{font-family:-apple-system,BlinkMacSystemFont,'Segoe UI',Helvetica,Arial,sans-serif;font-size:13px}.title{font-size:16px;font-weight:600}.small{font-size:11px}";

/** `auto` follows the viewer's colour scheme (`prefers-color-scheme` works inside an <img>). */
function styleFor(theme: Theme): string {
  if (theme === "light") return LIGHT + FONT;
  if (theme === "dark") return DARK + FONT;
  return `${LIGHT}@media (prefers-color-scheme:dark){${DARK}}${FONT}`;
}

export interface CardFrame {
  width: number;
  height: number;
  theme: Theme;
  /** Already escaped (through `text`). */
  title: string;
  /** Already escaped: what the card shows, as a sentence for screen readers. */
  description: string;
  /** The card's content, SVG elements built from escaped text only. */
  body: string;
}

/**
 * The card's outer document: `role="img"` with its `<title>` and `<desc>` as accessible
 * name and description (what a screen reader reads when the SVG is opened or inlined; an
 * <img> embedding it needs its own alt text, which the Markdown snippets carry).
 */
export function frame({ width, height, theme, title, description, body }: CardFrame): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `role="img" aria-labelledby="card-title card-desc">` +
    `<title id="card-title">${title}</title><desc id="card-desc">${description}</desc>` +
    `<style>${styleFor(theme)}</style>` +
    `<rect class="bg" x="0.5" y="0.5" rx="6" width="${width - 1}" height="${height - 1}"/>` +
    `${body}</svg>`
  );
}

/** A small card in place of the one asked for: an <img> shows it, never a broken image. */
export function errorCard(status: number, message: string, theme: Theme = "auto"): string {
  const line = text(message, 60);
  return frame({
    width: 420,
    height: 70,
    theme,
    title: `Card unavailable (${status})`,
    description: line,
    body:
      `<text class="fg title" x="16" y="30">Card unavailable (${status})</text>` +
      `<text class="muted" x="16" y="52">${line}</text>`,
  });
}

/** No card is ever larger than this; the renderers' clipping keeps them far below it. */
export const MAX_CARD_BYTES = 16 * 1024;
