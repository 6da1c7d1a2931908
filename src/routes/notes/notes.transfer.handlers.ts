import { credentialOf } from "../../audit/audit-event.ts";
import { withQuotaLock } from "../../db/quota.ts";
import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { fieldErrors } from "../../lib/validation.ts";
import { readZip, writeZip, ZipError } from "../../lib/zip.ts";
import {
  EXPORT_FORMAT,
  EXPORT_VERSION,
  ImportItemSchema,
  markdownFileName,
  markdownToItem,
  noteToMarkdown,
} from "./notes.transfer.format.ts";
import type * as routes from "./notes.transfer.routes.ts";
import { IMPORT_MAX_ITEMS, type ImportOutcome } from "./notes.transfer.schemas.ts";
import { exportNotes, importKey, importNotes, type KeyedItem } from "./notes.transfer.service.ts";

const utf8 = new TextEncoder();

export const exportNotesHandler: AppRouteHandler<routes.ExportNotesRoute> = async (c) => {
  const { format } = c.req.valid("query");
  const notes = await exportNotes(c.var.db, c.var.caller.userId);
  const stamp = new Date().toISOString();
  const day = stamp.slice(0, 10);
  c.var.log.info("audit", "notes.exported", { user_id: c.var.caller.userId, format, count: notes.length });
  if (format === "markdown") {
    const archive = writeZip(
      notes.map((note) => ({ name: markdownFileName(note), data: utf8.encode(noteToMarkdown(note)) })),
    );
    c.header("Content-Disposition", `attachment; filename="notes-${day}.zip"`);
    return c.body(archive as Uint8Array<ArrayBuffer>, 200, { "Content-Type": "application/zip" }) as never;
  }
  c.header("Content-Disposition", `attachment; filename="notes-${day}.json"`);
  return c.json({ format: EXPORT_FORMAT, version: EXPORT_VERSION, exported_at: stamp, notes } as const, 200);
};

/** The raw items of the request: an export document's notes, or the archive's Markdown files. */
async function rawItems(
  c: Parameters<AppRouteHandler<routes.ImportNotesRoute>>[0],
): Promise<{ raw: unknown; file?: string; error?: string }[]> {
  const type = c.req.header("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/zip") {
    let entries: Awaited<ReturnType<typeof readZip>>;
    try {
      entries = await readZip(new Uint8Array(await c.req.arrayBuffer()), {
        maxEntries: IMPORT_MAX_ITEMS,
        maxTotalBytes: 64 * 1024 * 1024,
      });
    } catch (error) {
      if (error instanceof ZipError)
        throw new ApiError("validation-failed", {
          detail: error.message,
          errors: [{ path: "body", message: error.message }],
        });
      throw error;
    }
    const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
    return entries
      .filter((entry) => /\.(md|markdown)$/i.test(entry.name))
      .map((entry) => {
        if ("error" in entry) return { raw: undefined, file: entry.name, error: entry.error };
        try {
          return { raw: markdownToItem(entry.name, decoder.decode(entry.data)), file: entry.name };
        } catch {
          return { raw: undefined, file: entry.name, error: "The file is not UTF-8 text." };
        }
      });
  }
  if (type !== "application/json") {
    throw new ApiError("unsupported-media-type", {
      detail: "Send an export as application/json, or Markdown files as application/zip.",
    });
  }
  // Validated by the route (a document of at most IMPORT_MAX_ITEMS notes); each note is checked below.
  const document = c.req.valid("json");
  return typeof document === "string" ? [] : document.notes.map((raw: unknown) => ({ raw }));
}

export const importNotesHandler: AppRouteHandler<routes.ImportNotesRoute> = async (c) => {
  const userId = c.var.caller.userId;
  const items = await rawItems(c);
  const report: ImportOutcome[] = [];
  const valid: KeyedItem[] = [];
  for (const [index, { raw, file, error }] of items.entries()) {
    const parsed = error === undefined ? ImportItemSchema.safeParse(raw) : undefined;
    if (!parsed?.success) {
      const errors = parsed
        ? fieldErrors(parsed.error, file ? "file" : `body.notes.${index}`)
        : [{ path: "file", message: error ?? "" }];
      report.push({ index, ...(file ? { file } : {}), outcome: "failed", errors });
      continue;
    }
    valid.push({ index, key: await importKey(parsed.data), item: parsed.data });
    report.push({ index, ...(file ? { file } : {}), outcome: "created" });
  }
  const written = await withQuotaLock(c.var.db, userId, (tx) =>
    importNotes(tx, userId, c.var.config.quotas, valid, credentialOf(c.var.caller)),
  );
  for (const outcome of report) {
    const done = written.get(outcome.index);
    if (done) Object.assign(outcome, { outcome: done.outcome, note_id: done.noteId });
  }
  const count = (kind: ImportOutcome["outcome"]) => report.filter((item) => item.outcome === kind).length;
  const summary = { created: count("created"), skipped: count("skipped"), failed: count("failed") };
  c.var.log.info("audit", "notes.imported", { user_id: userId, ...summary });
  return c.json({ ...summary, items: report }, 200);
};
