import { z } from "@hono/zod-openapi";
import { CreatedBySchema } from "../../audit/created-by.schema.ts";
import { storableDateTime } from "../../lib/datetime.ts";
import {
  booleanQuery,
  boundedText,
  codePointLength,
  cursorQuery,
  limitQuery,
  optionalBooleanQuery,
  trimmedText,
} from "../../lib/schemas.ts";

const MAX_CONTENT_BYTES = 100 * 1024;
const encoder = new TextEncoder();
/** Postgres text cannot hold NUL; refusing it here keeps it a 422 instead of a 500. */
const noNul = (text: string) => !text.includes("\u0000");
const NUL_MESSAGE = "Must not contain null bytes.";
const TAG_MAX = 40;

export const TitleSchema = trimmedText(200).openapi({ example: "Release checklist" });

export const ContentSchema = z
  .string()
  .max(MAX_CONTENT_BYTES, { message: "Must be at most 100 KB." })
  .refine((content) => encoder.encode(content).byteLength <= MAX_CONTENT_BYTES, {
    message: "Must be at most 100 KB.",
  })
  .refine(noNul, { message: NUL_MESSAGE })
  .openapi({ description: "Markdown, up to 100 KB (UTF-8).", example: "- [ ] bump version\n- [ ] tag" });

/** The length rule holds for the tag as sent (the document's bound) and as stored. */
/** What the document says of one tag, in a body or a `tag=` filter alike. */
const TAG_RULES = { minLength: 1, maxLength: TAG_MAX, pattern: "\\S" };

const TagSchema = z
  .string()
  .refine((tag) => codePointLength(tag) <= TAG_MAX, { message: "Each tag must be 1–40 characters." })
  .transform((tag) => tag.normalize("NFC").trim().toLowerCase())
  .pipe(
    z
      .string()
      .refine((tag) => codePointLength(tag) >= 1 && codePointLength(tag) <= TAG_MAX, {
        message: "Each tag must be 1–40 characters.",
      })
      .refine((tag) => !/[\p{Cc}\p{Cf},]/u.test(tag), {
        message: "Tags must not contain control characters or commas.",
      }),
  )
  .openapi(TAG_RULES);

export const TagsSchema = z
  .array(TagSchema)
  .max(20, { message: "At most 20 tags." })
  .transform((tags) => [...new Set(tags)])
  .openapi({ example: ["release", "ops"], description: "Lower-cased and de-duplicated on write." });

export const NoteSchema = z
  .object({
    id: z.uuid(),
    title: z.string(),
    content: z.string(),
    tags: z.array(z.string()),
    pinned: z.boolean(),
    archived: z.boolean(),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
    deleted_at: z.iso.datetime().nullable(),
    version: z.number().int(),
    created_by: CreatedBySchema,
  })
  .openapi("Note", {
    example: {
      id: "019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b",
      title: "Release checklist",
      content: "- [ ] bump version",
      tags: ["release"],
      pinned: false,
      archived: false,
      created_at: "2026-11-23T10:00:00.000Z",
      updated_at: "2026-11-23T10:00:00.000Z",
      deleted_at: null,
      version: 1,
      created_by: { kind: "api_key", id: "019a2b3c-0000-7000-8000-0c1d2e3f4a5b" },
    },
  });

export const CreateNoteSchema = z
  .strictObject({
    title: TitleSchema,
    content: ContentSchema.default(""),
    tags: TagsSchema.default([]),
    pinned: z.boolean().default(false),
    archived: z.boolean().default(false),
  })
  .openapi("CreateNote");

export const UpdateNoteSchema = z
  .strictObject({
    title: TitleSchema.optional(),
    content: ContentSchema.optional(),
    tags: TagsSchema.optional(),
    pinned: z.boolean().optional(),
    archived: z.boolean().optional(),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: "Send at least one field to change.",
  })
  .openapi("UpdateNote", { minProperties: 1 });

const dateQuery = storableDateTime();

export const ListNotesQuerySchema = z.object({
  limit: limitQuery(),
  cursor: cursorQuery(),
  q: boundedText(200)
    .optional()
    .openapi({ description: "Full-text search (websearch syntax) with a substring fallback." }),
  tag: z
    .union([
      z.string().openapi(TAG_RULES),
      z.array(z.string().openapi(TAG_RULES)).max(20).openapi({ maxItems: 20 }),
    ])
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .pipe(TagsSchema)
    .optional()
    .openapi({ description: "Repeatable; a note must carry every tag given." }),
  pinned: optionalBooleanQuery(),
  archived: optionalBooleanQuery(),
  trashed: booleanQuery(false).openapi({ description: "true lists the trash instead." }),
  created_after: dateQuery.optional(),
  created_before: dateQuery.optional(),
  updated_after: dateQuery.optional(),
  updated_before: dateQuery.optional(),
  sort: z
    .enum(["created_at", "updated_at", "title", "relevance"])
    .optional()
    .openapi({ description: "Default: relevance when `q` is given, else created_at." }),
  order: z.enum(["asc", "desc"]).optional().openapi({ description: "Default: asc for title, else desc." }),
  pinned_first: booleanQuery(false),
});

export type ListNotesQuery = z.infer<typeof ListNotesQuerySchema>;

export const NoteListSchema = z
  .object({
    items: z.array(NoteSchema),
    next_cursor: z.string().nullable(),
    total: z.number().int().openapi({ description: "Notes matching the filters (all pages)." }),
  })
  .openapi("NoteList");

export const PurgedNotesSchema = z
  .object({ purged: z.number().int().openapi({ description: "Notes deleted for good." }) })
  .openapi("PurgedNotes");

export const TagCountListSchema = z
  .object({ items: z.array(z.object({ tag: z.string(), count: z.number().int() })) })
  .openapi("TagCounts");

/** The shapes clients see and send: inferred from the published schemas, never restated. */
export type Note = z.infer<typeof NoteSchema>;
export type NoteList = z.infer<typeof NoteListSchema>;
export type TagCounts = z.infer<typeof TagCountListSchema>;
export type CreateNoteInput = z.infer<typeof CreateNoteSchema>;
export type UpdateNoteInput = z.infer<typeof UpdateNoteSchema>;
