import { createRoute, z } from "@hono/zod-openapi";
import {
  conflictResponse,
  databaseErrorResponses,
  jsonContent,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { responseHeaders } from "../../lib/openapi-headers.ts";
import { authed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import {
  ExportQuerySchema,
  ImportReportSchema,
  NotesExportSchema,
  NotesImportSchema,
} from "./notes.transfer.schemas.ts";

const NotesArchiveSchema = z
  .string()
  .openapi("NotesArchive", { format: "binary", description: "A ZIP of Markdown files with front matter." });
/** The request body limit (`MAX_BODY_BYTES`, 1 MiB by default) bounds an uploaded archive. */
const NotesArchiveUploadSchema = z
  .string()
  .max(1024 * 1024)
  .openapi("NotesArchiveUpload", {
    format: "binary",
    description: "A ZIP as `GET /notes/export?format=markdown` writes it.",
  });

export const exportNotesRoute = createRoute({
  operationId: "exportNotes",
  method: "get",
  path: "/notes/export",
  tags: ["Notes"],
  summary: "Export every note (trash included): JSON, or Markdown files with front matter in a ZIP",
  ...routeOptions({ access: authed, scope: "notes:read", cache: "no-store", limits: ["note_export"] }),
  request: { query: ExportQuerySchema },
  responses: {
    200: {
      description: "The export, as an attachment.",
      headers: responseHeaders.contentDisposition,
      content: { ...jsonContent(NotesExportSchema), "application/zip": { schema: NotesArchiveSchema } },
    },
    ...unauthorizedResponse,
    ...databaseErrorResponses,
  },
});

export const importNotesRoute = createRoute({
  operationId: "importNotes",
  method: "post",
  path: "/notes/import",
  tags: ["Notes"],
  summary:
    "Import notes from an export (JSON, or a ZIP of Markdown files); importing again duplicates nothing",
  description:
    "Each note is validated on its own: the report says per item `created`, `skipped` (already imported, or the account's own note) or `failed` with its errors. Valid items are written in one transaction, whole, or not at all. At most 1,000 notes and `MAX_BODY_BYTES` per request; a larger collection goes in several requests, safely repeated.",
  ...routeOptions({ access: authed, scope: "notes:write", cache: "no-store", limits: ["note_import"] }),
  request: {
    body: {
      required: false,
      content: { ...jsonContent(NotesImportSchema), "application/zip": { schema: NotesArchiveUploadSchema } },
    },
  },
  responses: {
    200: { description: "What happened to each item.", content: jsonContent(ImportReportSchema) },
    ...unauthorizedResponse,
    ...conflictResponse(
      "`quota-exceeded`: the new notes would take the account past its quota; nothing was imported.",
    ),
    ...databaseErrorResponses,
  },
});

export type ExportNotesRoute = typeof exportNotesRoute;
export type ImportNotesRoute = typeof importNotesRoute;
