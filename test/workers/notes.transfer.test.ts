import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { crc32, readZip, writeZip } from "../../src/lib/zip.ts";
import type { ExportedNote, ImportOutcome } from "../../src/routes/notes/notes.transfer.schemas.ts";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { bearer, registerUser } from "../helpers/auth.ts";
import { runSql } from "../helpers/db.ts";
import { type NoteClient, noteClient } from "../helpers/notes.ts";

interface Report {
  created: number;
  skipped: number;
  failed: number;
  items: ImportOutcome[];
}

/** An account holding every state a note can be in, with text that survives no careless format. */
async function seededAccount() {
  const client = await noteClient();
  await client.create({ title: "Plain", content: "line 1\nline 2\n", tags: ["a", "b"] });
  await client.create({
    title: 'Quotes "and" --- dashes',
    content: "---\nnot: front matter\n---\n",
    pinned: true,
  });
  await client.create({ title: "日本語のメモ", content: "", archived: true, tags: ["日本"] });
  const trashed = await client.create({ title: "In the trash", content: "bye" });
  await client.send("DELETE", `/notes/${trashed.id}`);
  return client;
}

async function exportJson(client: NoteClient) {
  const response = await client.get("/notes/export");
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="notes-.*\.json"$/);
  return (await response.json()) as { format: string; notes: ExportedNote[] };
}

async function exportZip(client: NoteClient) {
  const response = await client.get("/notes/export?format=markdown");
  expect(response.status).toBe(200);
  expect(response.headers.get("Content-Type")).toBe("application/zip");
  return new Uint8Array(await response.arrayBuffer());
}

async function importJson(client: NoteClient, document: unknown) {
  const response = await client.send("POST", "/notes/import", document);
  expect(response.status).toBe(200);
  return (await response.json()) as Report;
}

async function importZip(client: NoteClient, archive: Uint8Array) {
  const response = await api("/notes/import", {
    method: "POST",
    headers: { ...client.auth, "Content-Type": "application/zip" },
    body: archive,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Report;
}

/** What must survive a round trip: everything but the id, which the new account assigns. */
const comparable = (notes: ExportedNote[]) =>
  notes.map(({ id: _id, ...rest }) => rest).sort((a, b) => a.title.localeCompare(b.title));

const noteCount = async (client: NoteClient) =>
  (
    await runSql<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM notes WHERE user_id = ${client.user.tokens.user.id}`,
    )
  )[0]?.n;

describe("export → import round trip", () => {
  it("JSON into a fresh account gives equal notes (tags, states, timestamps)", async () => {
    const source = await seededAccount();
    const exported = await exportJson(source);
    expect(exported.format).toBe("devhub-notes");
    expect(exported.notes).toHaveLength(4);
    const target = await noteClient();
    const report = await importJson(target, exported);
    expect(report).toMatchObject({ created: 4, skipped: 0, failed: 0 });
    expect(comparable((await exportJson(target)).notes)).toEqual(comparable(exported.notes));
  });

  it("Markdown files in a ZIP into a fresh account give equal notes", async () => {
    const source = await seededAccount();
    const archive = await exportZip(source);
    const files = await readZip(archive, { maxEntries: 100, maxTotalBytes: 1 << 20 });
    expect(
      files.map((file) => file.name).every((name) => /^notes\/[a-z0-9-]*-[0-9a-f-]{36}\.md$/.test(name)),
    ).toBe(true);
    const target = await noteClient();
    expect(await importZip(target, archive)).toMatchObject({ created: 4, skipped: 0, failed: 0 });
    expect(comparable((await exportJson(target)).notes)).toEqual(
      comparable((await exportJson(source)).notes),
    );
  });
});

describe("import is idempotent", () => {
  it("importing the same export again creates nothing, in either format", async () => {
    const source = await seededAccount();
    const document = await exportJson(source);
    const archive = await exportZip(source);
    const target = await noteClient();
    const first = await importJson(target, document);
    const again = await importJson(target, document);
    expect(again).toMatchObject({ created: 0, skipped: 4, failed: 0 });
    expect(again.items.map((item) => item.note_id)).toEqual(first.items.map((item) => item.note_id));
    expect(await importZip(target, archive)).toMatchObject({ created: 0, skipped: 4 });
    expect(await noteCount(target)).toBe(4);
    // An account re-importing its own export finds its notes by id.
    expect(await importJson(source, document)).toMatchObject({ created: 0, skipped: 4 });
  });

  it("a Markdown file without front matter is keyed by its text, and a repeat in one import is one note", async () => {
    const target = await noteClient();
    const file = { name: "inbox/Groceries.md", data: new TextEncoder().encode("# Groceries\n- milk\n") };
    const archive = writeZip([file, { ...file, name: "copy/Groceries.md" }]);
    const report = await importZip(target, archive);
    expect(report).toMatchObject({ created: 1, skipped: 1 });
    expect(await importZip(target, archive)).toMatchObject({ created: 0, skipped: 2 });
    const [note] = (await exportJson(target)).notes;
    expect(note).toMatchObject({ title: "Groceries", content: "# Groceries\n- milk\n" });
  });
});

describe("import errors", () => {
  it("reports a bad item with its errors and writes the good ones whole", async () => {
    const target = await noteClient();
    const report = await importJson(target, {
      notes: [
        { title: "good", content: "ok", tags: ["x"] },
        { title: "", content: "no title" },
        { title: "nul", content: "a\u0000b" },
        { title: "bad tags", tags: "not-a-list" },
        { title: "bad date", created_at: "yesterday" },
        "not an object",
      ],
    });
    expect(report).toMatchObject({ created: 1, failed: 5 });
    expect(report.items[1]?.errors?.[0]?.path).toBe("body.notes.1.title");
    expect(
      report.items.slice(1).every((item) => item.outcome === "failed" && item.note_id === undefined),
    ).toBe(true);
    const stored = await runSql<{ title: string }>(
      sql`SELECT title FROM notes WHERE user_id = ${target.user.tokens.user.id}`,
    );
    expect(stored.map((row) => row.title)).toEqual(["good"]);
  });

  it("an import past the quota is refused whole: nothing is written", async () => {
    const user = await registerUser();
    const call = apiWithEnv({ QUOTA_NOTES: "3" });
    const notes = Array.from({ length: 4 }, (_, i) => ({ title: `n${i}` }));
    const response = await call("/notes/import", {
      method: "POST",
      headers: { ...bearer(user.tokens.access_token), "Content-Type": "application/json" },
      body: JSON.stringify({ notes }),
    });
    await expectProblem(response, 409, "quota-exceeded");
    const left = await runSql<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM notes WHERE user_id = ${user.tokens.user.id}`,
    );
    expect(left[0]?.n).toBe(0);
  });

  it("a damaged or foreign archive is a 422, a damaged entry a failed item", async () => {
    const target = await noteClient();
    const post = (body: Uint8Array) =>
      api("/notes/import", {
        method: "POST",
        headers: { ...target.auth, "Content-Type": "application/zip" },
        body,
      });
    await expectProblem(await post(new TextEncoder().encode("not a zip")), 422, "validation-failed");
    const archive = writeZip([{ name: "a.md", data: new TextEncoder().encode("# A\nbody") }]);
    const dataAt = 30 + "a.md".length;
    archive[dataAt] = (archive[dataAt] ?? 0) ^ 0xff; // flip a byte of the entry's data: its CRC no longer matches
    const report = (await (await post(archive)).json()) as Report;
    expect(report).toMatchObject({ created: 0, failed: 1 });
    expect(report.items[0]?.errors?.[0]?.message).toMatch(/CRC/);
    await expectProblem(
      await api("/notes/import", {
        method: "POST",
        headers: { ...target.auth, "Content-Type": "text/plain" },
        body: "x",
      }),
      415,
      "unsupported-media-type",
    );
  });

  it("reads deflated entries, as ordinary zip tools write them", async () => {
    const target = await noteClient();
    const text = new TextEncoder().encode(
      `---\ntitle: "Deflated"\ntags: [one, two]\n---\n${"word ".repeat(500)}`,
    );
    const compressed = new Uint8Array(
      await new Response(
        new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw")),
      ).arrayBuffer(),
    );
    const archive = deflatedZip("d.md", text, compressed);
    expect(await importZip(target, archive)).toMatchObject({ created: 1 });
    const [note] = (await exportJson(target)).notes;
    expect(note).toMatchObject({ title: "Deflated", tags: ["one", "two"] });
    expect(note?.content.length).toBe(2500);
  });
});

/** A one-entry archive with a deflated (method 8) entry, as zip(1) writes it. */
function deflatedZip(name: string, plain: Uint8Array, compressed: Uint8Array): Uint8Array {
  const stored = writeZip([{ name, data: compressed }]);
  const view = new DataView(stored.buffer);
  const central = 30 + name.length + compressed.length;
  for (const header of [0, central]) {
    const shift = header === 0 ? 0 : 2;
    view.setUint16(header + 8 + shift, 8, true);
    view.setUint32(header + 14 + shift, crc32(plain), true);
    view.setUint32(header + 22 + shift, plain.length, true);
  }
  return stored;
}
