import { z } from "@hono/zod-openapi";
import { cursorQuery, IdParamSchema, integerQuery, limitQuery } from "../../lib/schemas.ts";

export const NoteVersionSummarySchema = z
  .object({
    version: z.number().int(),
    title: z.string(),
    tags: z.array(z.string()),
    pinned: z.boolean(),
    archived: z.boolean(),
    trashed: z.boolean().openapi({ description: "Whether the note was in the trash at this version." }),
    content_bytes: z.number().int(),
    edited_at: z.iso.datetime().openapi({ description: "When this version was written." }),
    replaced_at: z.iso
      .datetime()
      .nullable()
      .openapi({ description: "When a later write replaced it; null for the current version." }),
    author_id: z
      .uuid()
      .openapi({ description: "The account that wrote it (a note's only writer is its owner)." }),
  })
  .openapi("NoteVersionSummary");

export const NoteVersionSchema = NoteVersionSummarySchema.extend({ content: z.string() }).openapi(
  "NoteVersion",
);

export const NoteVersionListSchema = z
  .object({ items: z.array(NoteVersionSummarySchema), next_cursor: z.string().nullable() })
  .openapi("NoteVersionList");

export const ListVersionsQuerySchema = z.object({ limit: limitQuery(), cursor: cursorQuery() });

export const VersionParamSchema = IdParamSchema.extend({
  n: integerQuery(1, 2_147_483_647).openapi({
    param: { name: "n", in: "path" },
    format: "int32",
    example: 3,
  }),
});

export type NoteVersionSummary = z.infer<typeof NoteVersionSummarySchema>;
export type NoteVersion = z.infer<typeof NoteVersionSchema>;
