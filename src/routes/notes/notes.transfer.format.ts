/**
 * The two export formats and their parsing back into import items:
 * - JSON: `{ format: "devhub-notes", version: 1, exported_at, notes: [...] }`;
 * - Markdown: one `.md` file per note in a ZIP, its fields in a front matter block whose values
 *   are JSON (so also valid YAML), then the content exactly as stored.
 * Both come back through `ImportItemSchema`, so an imported note passes the same rules as one
 * created through the API.
 */
import { z } from "@hono/zod-openapi";
import { storableDateTime } from "../../lib/datetime.ts";
import { ContentSchema, TagsSchema, TitleSchema } from "./notes.schemas.ts";
import type { ExportedNote } from "./notes.transfer.schemas.ts";

export const EXPORT_FORMAT = "devhub-notes";
export const EXPORT_VERSION = 1;

/** One note to import. Unknown fields (an export's `version`) are ignored. */
export const ImportItemSchema = z.object({
  id: z.uuid().optional(),
  title: TitleSchema,
  content: ContentSchema.default(""),
  tags: TagsSchema.default([]),
  pinned: z.boolean().default(false),
  archived: z.boolean().default(false),
  created_at: storableDateTime().optional(),
  updated_at: storableDateTime().optional(),
  deleted_at: storableDateTime().nullable().default(null),
});
export type ImportItem = z.infer<typeof ImportItemSchema>;

const FRONT_MATTER_KEYS = [
  "id",
  "title",
  "tags",
  "pinned",
  "archived",
  "created_at",
  "updated_at",
  "deleted_at",
] as const;

export function noteToMarkdown(note: ExportedNote): string {
  const lines = FRONT_MATTER_KEYS.map((key) => `${key}: ${JSON.stringify(note[key])}`);
  return `---\n${lines.join("\n")}\n---\n${note.content}`;
}

/** A file name that says which note it is and cannot escape the archive's folder. */
export function markdownFileName(note: ExportedNote): string {
  const slug = note.title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `notes/${slug || "note"}-${note.id}.md`;
}

/** A front matter value: JSON when it parses (what the export writes), else the bare text. */
function frontMatterValue(raw: string): unknown {
  const text = raw.trim();
  try {
    return JSON.parse(text);
  } catch {
    // Hand-written YAML-ish lists: `[a, b]`.
    if (/^\[.*\]$/.test(text))
      return text
        .slice(1, -1)
        .split(",")
        .map((tag) => tag.trim())
        .filter(Boolean);
    return text.replace(/^'(.*)'$/, "$1");
  }
}

/**
 * The raw fields of one Markdown file (validated later by `ImportItemSchema`). Without front
 * matter, the title is the first `# heading`, else the file name.
 */
export function markdownToItem(name: string, text: string): Record<string, unknown> {
  const source = text.replace(/^\uFEFF/, "");
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(source);
  if (!match) {
    const heading = /^#\s+(.+)$/m.exec(source)?.[1]?.trim();
    const base =
      name
        .split("/")
        .pop()
        ?.replace(/\.(md|markdown)$/i, "") ?? "Untitled";
    return { title: heading ?? base, content: source };
  }
  const fields: Record<string, unknown> = { content: source.slice(match[0].length) };
  for (const line of (match[1] ?? "").split(/\r?\n/)) {
    const pair = /^([A-Za-z_]+):(.*)$/.exec(line);
    if (pair?.[1] && (FRONT_MATTER_KEYS as readonly string[]).includes(pair[1])) {
      fields[pair[1]] = frontMatterValue(pair[2] ?? "");
    }
  }
  return fields;
}
