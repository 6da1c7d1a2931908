/**
 * `npm run bench:notes`: what note history costs to store and what export/import cost, on the
 * built worker in workerd (Miniflare) and a real PostgreSQL server, loopback only.
 * - Storage per version: pg_total_relation_size('note_versions') over N versions written by
 *   PATCHes through the API, for short (~350 B) and 4 KiB notes; and one note PATCHed past the
 *   retention bound, to show the row count stays at VERSIONS_KEPT_PER_NOTE.
 * - Export (JSON and Markdown ZIP) and import (both, in requests of 1,000 notes) of 10,000
 *   notes, with a re-import (all skipped). Baselines in the same run: the same rows read and
 *   written straight from Node with one SQL statement each.
 * Prints JSON; the machine's load average is printed beside the figures.
 */
import pg from "pg";
import { writeZip } from "../../src/lib/zip.ts";
import { VERSIONS_KEPT_PER_NOTE } from "../../src/routes/notes/notes.retention.ts";
import { buildWorker, registerAccount, startLocalWorker } from "../lib/local-worker.ts";
import { findPostgresBinaries, startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";
import { loadAverage } from "./ceiling.ts";
import { BENCH_JWT_SECRET, benchAccessToken, seedNotes } from "./seed.ts";

const NOTES = 10_000;
const BATCH = 1000;
const PATCHES_PER_NOTE = 20;
const NOTES_PATCHED = 50;
const WRITERS = 4;

const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, Math.round(performance.now() - started)];
};

async function main() {
  const external = process.env.DATABASE_URL;
  if (!external && !findPostgresBinaries())
    throw new Error("No PostgreSQL server binaries; set DATABASE_URL.");
  buildWorker();
  const database = external ? { url: external, stop: async () => undefined } : await startPostgresServer();
  await migrateDatabase(database.url);
  const worker = await startLocalWorker({
    databaseUrl: database.url,
    bindings: { JWT_SECRET: BENCH_JWT_SECRET, LOG_LEVEL: "warn", QUOTA_NOTES: "100000" },
  });
  const base = worker.url.href.replace(/\/$/, "");
  const sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  const account = async (label: string) => {
    const session = await registerAccount(base, label);
    return {
      id: session.user.id,
      auth: { Authorization: `Bearer ${await benchAccessToken(session.user.id)}` },
    };
  };
  const call = async (path: string, init: RequestInit & { headers: Record<string, string> }) => {
    const response = await fetch(`${base}${path}`, init);
    if (response.status >= 300)
      throw new Error(`${init.method ?? "GET"} ${path}: ${response.status} ${await response.text()}`);
    return response;
  };
  const versionsSize = async () =>
    Number((await sql.query("SELECT pg_total_relation_size('note_versions') AS b")).rows[0].b);
  const versionRows = async () =>
    Number((await sql.query("SELECT count(*) AS n FROM note_versions")).rows[0].n);

  // Storage per version.
  const storage: Record<string, unknown> = {};
  for (const [label, bytes] of [
    ["short (~350 B content)", 0],
    ["4 KiB content", 4096],
  ] as const) {
    const owner = await account(`hist${bytes}`);
    const ids = await seedNotes(database.url, owner.id, NOTES_PATCHED);
    if (bytes)
      await sql.query("UPDATE notes SET content = repeat(md5(id::text), $2 / 32) WHERE user_id = $1", [
        owner.id,
        bytes,
      ]);
    await sql.query("VACUUM ANALYZE note_versions");
    const [sizeBefore, rowsBefore] = [await versionsSize(), await versionRows()];
    // A few writers at once: the bench measures storage, not how many connections the server takes.
    const queue = [...ids];
    const [, ms] = await timed(() =>
      Promise.all(
        Array.from({ length: WRITERS }, async () => {
          for (let id = queue.pop(); id; id = queue.pop()) {
            for (let i = 0; i < PATCHES_PER_NOTE; i++) {
              await call(`/notes/${id}`, {
                method: "PATCH",
                headers: { ...owner.auth, "Content-Type": "application/json" },
                body: JSON.stringify({ title: `rev ${i}` }),
              });
            }
          }
        }),
      ),
    );
    const [sizeAfter, rowsAfter] = [await versionsSize(), await versionRows()];
    const rows = rowsAfter - rowsBefore;
    storage[label] = {
      versions: rows,
      relation_bytes_added: sizeAfter - sizeBefore,
      bytes_per_version: Math.round((sizeAfter - sizeBefore) / rows),
      patch_ms_mean: Math.round((ms * 8) / rows) / 8,
    };
  }
  const busy = await account("busy");
  const [busyId] = await seedNotes(database.url, busy.id, 1);
  for (let i = 0; i < VERSIONS_KEPT_PER_NOTE + 20; i++) {
    await call(`/notes/${busyId}`, {
      method: "PATCH",
      headers: { ...busy.auth, "Content-Type": "application/json" },
      body: JSON.stringify({ title: `rev ${i}` }),
    });
  }
  const kept = Number(
    (await sql.query("SELECT count(*) AS n FROM note_versions WHERE note_id = $1", [busyId])).rows[0].n,
  );
  // Printed at once: the transfer half below takes much longer on a loaded machine.
  console.log(
    JSON.stringify({
      load_average: loadAverage(),
      storage_per_version: storage,
      retention: { patches: VERSIONS_KEPT_PER_NOTE + 20, versions_kept: kept },
    }),
  );

  // Export and import of 10,000 notes.
  const source = await account("export");
  // In slices: one 10,000-row statement can outlast the statement timeout on a loaded machine.
  for (let at = 0; at < NOTES; at += BATCH) await seedNotes(database.url, source.id, BATCH);
  const [baselineRead, baselineReadMs] = await timed(() =>
    sql.query(
      "SELECT id, title, content, tags, pinned, archived, created_at, updated_at, deleted_at FROM notes WHERE user_id = $1 ORDER BY created_at, id",
      [source.id],
    ),
  );
  const [document, exportJsonMs] = await timed(async () =>
    (await call("/notes/export", { headers: source.auth })).json(),
  );
  const [archive, exportZipMs] = await timed(
    async () =>
      new Uint8Array(
        await (await call("/notes/export?format=markdown", { headers: source.auth })).arrayBuffer(),
      ),
  );
  const notes = (document as { notes: unknown[] }).notes;
  const jsonTarget = await account("import-json");
  const importJson = () =>
    timed(async () => {
      for (let at = 0; at < notes.length; at += BATCH) {
        await call("/notes/import", {
          method: "POST",
          headers: { ...jsonTarget.auth, "Content-Type": "application/json" },
          body: JSON.stringify({ notes: notes.slice(at, at + BATCH) }),
        });
      }
    });
  const [, importJsonMs] = await importJson();
  const [, reimportJsonMs] = await importJson();
  // The Markdown files of the export, 1,000 per archive (the per-request bound).
  const files = (notes as { id: string; title: string }[]).map((note, i) => ({ name: `n${i}.md`, note }));
  const { noteToMarkdown } = await import("../../src/routes/notes/notes.transfer.format.ts");
  const encoder = new TextEncoder();
  const zips: Uint8Array[] = [];
  for (let at = 0; at < files.length; at += BATCH) {
    zips.push(
      writeZip(
        files
          .slice(at, at + BATCH)
          .map(({ name, note }) => ({ name, data: encoder.encode(noteToMarkdown(note as never)) })),
      ),
    );
  }
  const zipTarget = await account("import-zip");
  const [, importZipMs] = await timed(async () => {
    for (const zip of zips) {
      await call("/notes/import", {
        method: "POST",
        headers: { ...zipTarget.auth, "Content-Type": "application/zip" },
        body: zip as Uint8Array<ArrayBuffer>,
      });
    }
  });
  const baselineTarget = await account("baseline");
  const [, baselineWriteMs] = await timed(async () => {
    for (let at = 0; at < NOTES; at += BATCH) await seedNotes(database.url, baselineTarget.id, BATCH);
  });
  const counts = (
    await sql.query(
      "SELECT user_id, count(*)::int AS n FROM notes WHERE user_id = ANY($1) GROUP BY user_id",
      [[jsonTarget.id, zipTarget.id]],
    )
  ).rows;

  console.log(
    JSON.stringify(
      {
        load_average: loadAverage(),
        transfer_10k: {
          notes: notes.length,
          export_json_ms: exportJsonMs,
          export_json_bytes: JSON.stringify(document).length,
          export_zip_ms: exportZipMs,
          export_zip_bytes: archive.length,
          baseline_sql_select_ms: baselineReadMs,
          baseline_rows: baselineRead.rowCount,
          import_json_ms: importJsonMs,
          reimport_json_all_skipped_ms: reimportJsonMs,
          import_markdown_zip_ms: importZipMs,
          baseline_sql_insert_ms: baselineWriteMs,
          imported_counts: counts.map((row) => row.n),
        },
      },
      null,
      2,
    ),
  );
  await sql.end();
  await worker.stop();
  await database.stop();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
