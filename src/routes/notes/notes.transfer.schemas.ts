import { z } from "@hono/zod-openapi";
import { NoteSchema } from "./notes.schemas.ts";

/** A note as exported: everything the API shows but its version (an import starts at 1). */
export const ExportedNoteSchema = NoteSchema.omit({ version: true, created_by: true }).openapi(
  "ExportedNote",
);

export const NotesExportSchema = z
  .object({
    format: z.literal("devhub-notes"),
    version: z.literal(1),
    exported_at: z.iso.datetime(),
    notes: z.array(ExportedNoteSchema),
  })
  .openapi("NotesExport");

/** At most this many notes per import request (and the body limit, `MAX_BODY_BYTES`, applies). */
export const IMPORT_MAX_ITEMS = 1000;

/** What the JSON import accepts: an export document; each note is checked on its own. */
export const NotesImportSchema = z
  .object({
    format: z.literal("devhub-notes").optional(),
    notes: z
      .array(z.unknown())
      .max(IMPORT_MAX_ITEMS, { message: `At most ${IMPORT_MAX_ITEMS} notes per import.` })
      .openapi({ description: "Notes as `GET /notes/export` writes them; each is validated on its own." }),
  })
  .openapi("NotesImport");

export const ImportOutcomeSchema = z
  .object({
    index: z.number().int().openapi({ description: "Position in `notes`, or in the archive's file list." }),
    file: z.string().optional().openapi({ description: "The archive entry (Markdown import)." }),
    outcome: z.enum(["created", "skipped", "failed"]),
    note_id: z.uuid().optional().openapi({ description: "The note created, or the one already holding it." }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("NoteImportOutcome");

export const ImportReportSchema = z
  .object({
    created: z.number().int(),
    skipped: z
      .number()
      .int()
      .openapi({ description: "Already imported (or the account's own note): left as is." }),
    failed: z.number().int(),
    items: z.array(ImportOutcomeSchema),
  })
  .openapi("NoteImportReport");

export const ExportQuerySchema = z.object({
  format: z.enum(["json", "markdown"]).default("json").openapi({
    description: "`json`: one document. `markdown`: a ZIP of `.md` files with front matter.",
  }),
});

export type ExportedNote = z.infer<typeof ExportedNoteSchema>;
export type ImportOutcome = z.infer<typeof ImportOutcomeSchema>;
