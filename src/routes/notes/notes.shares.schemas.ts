import { z } from "@hono/zod-openapi";
import { storableDateTime } from "../../lib/datetime.ts";
import { IdParamSchema, uuidSchema } from "../../lib/schemas.ts";

export const CreateShareSchema = z
  .strictObject({
    expires_at: storableDateTime().optional().openapi({
      description: "When the link stops working (in the future); omit for a link that lasts until revoked.",
    }),
  })
  .openapi("CreateNoteShare");

export const NoteShareSchema = z
  .object({
    id: z.uuid(),
    prefix: z
      .string()
      .openapi({ description: "The token's first characters, to tell links apart.", example: "dhs_3xQ9a1" }),
    created_at: z.iso.datetime(),
    expires_at: z.iso.datetime().nullable(),
    last_accessed_at: z.iso.datetime().nullable(),
    access_count: z.number().int(),
  })
  .openapi("NoteShare");

export const CreatedNoteShareSchema = NoteShareSchema.extend({
  token: z.string().openapi({ description: "The secret token: shown only in this answer, stored hashed." }),
  url: z.string().openapi({
    description: "The public link: `/s/{token}` on this host.",
    example: "https://devhub.example/s/dhs_…",
  }),
}).openapi("CreatedNoteShare");

export const NoteShareListSchema = z.object({ items: z.array(NoteShareSchema) }).openapi("NoteShareList");

export const SharedNoteSchema = z
  .object({ title: z.string(), content: z.string(), tags: z.array(z.string()), updated_at: z.iso.datetime() })
  .openapi("SharedNote", { description: "A shared note: its text and nothing else of the account." });

export const ShareParamSchema = IdParamSchema.extend({
  share_id: uuidSchema().openapi({ param: { name: "share_id", in: "path" } }),
});

export const ShareTokenParamSchema = z.object({
  token: z
    .string()
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/)
    .openapi({ param: { name: "token", in: "path" }, example: "dhs_…" }),
});

export type NoteShare = z.infer<typeof NoteShareSchema>;
export type SharedNote = z.infer<typeof SharedNoteSchema>;
