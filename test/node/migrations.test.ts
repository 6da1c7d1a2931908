import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import { MIGRATIONS_FOLDER } from "../../scripts/migrate.ts";

/**
 * migrations/ is what deployed databases run, and drizzle-kit diffs the schema against the
 * newest snapshot in migrations/meta. If the two disagree, the next `npm run db:generate`
 * writes a migration that repeats old statements and fails on apply.
 */

interface JournalEntry {
  idx: number;
  when: number;
  tag: string;
}

/** Every file under `dir`, by relative path, with its content. */
function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    files[relative(dir, path)] = readFileSync(path, "utf8");
  }
  return files;
}

/** Runs `drizzle-kit generate` with the project's config on a copy of migrations/; returns the copy's files. */
function generateOnCopy(): { output: string; files: Record<string, string> } {
  const scratch = mkdtempSync(join(tmpdir(), "devhub-migrations-"));
  try {
    const out = join(scratch, "migrations");
    cpSync(MIGRATIONS_FOLDER, out, { recursive: true });
    const config = join(scratch, "drizzle.config.ts");
    // drizzle-kit resolves `out` against the working directory, so it is given relative to ROOT.
    writeFileSync(
      config,
      `import config from ${JSON.stringify(join(ROOT, "drizzle.config.ts"))};\n` +
        `export default { ...config, out: ${JSON.stringify(relative(ROOT, out))} };\n`,
    );
    const run = spawnSync(
      join(ROOT, "node_modules", ".bin", "drizzle-kit"),
      ["generate", "--config", config],
      {
        cwd: ROOT,
        encoding: "utf8",
        timeout: 50_000,
      },
    );
    const output = `${run.stdout}${run.stderr}`;
    expect(run.status, output).toBe(0);
    return { output, files: filesUnder(out) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

describe("migrations/ matches src/db/schema.ts", () => {
  it("drizzle-kit generate finds nothing to write (a schema change needs `npm run db:generate`)", () => {
    const { output, files } = generateOnCopy();
    const committed = filesUnder(MIGRATIONS_FOLDER);
    const written = Object.keys(files).filter((path) => files[path] !== committed[path]);
    // The SQL says what changed; the snapshot and journal only follow it.
    const generated = written
      .map((path) => (path.endsWith(".sql") ? `--- ${path}\n${files[path]}` : `--- ${path}`))
      .join("\n");
    expect(written, `db:generate would write:\n${generated}`).toEqual([]);
    expect(output).toContain("No schema changes");
  });

  it("numbers and dates the journal in order, with one snapshot chain (the migrator applies by date)", () => {
    const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as {
      entries: JournalEntry[];
    };
    const entries = journal.entries;
    const sqlFiles = readdirSync(MIGRATIONS_FOLDER).filter((name) => name.endsWith(".sql"));
    expect(entries.map((entry) => `${entry.tag}.sql`).sort()).toEqual(sqlFiles.sort());
    let previousId = "00000000-0000-0000-0000-000000000000";
    for (const [position, entry] of entries.entries()) {
      const prefix = String(entry.idx).padStart(4, "0");
      // drizzle-kit names the next migration after the last entry's idx, so the file name and idx agree.
      expect(entry.tag.startsWith(`${prefix}_`), entry.tag).toBe(true);
      const before = entries[position - 1];
      if (before) {
        expect(entry.idx, entry.tag).toBeGreaterThan(before.idx);
        // A database skips every migration not dated after the last one it applied.
        expect(entry.when, entry.tag).toBeGreaterThan(before.when);
      }
      const snapshot = JSON.parse(
        readFileSync(join(MIGRATIONS_FOLDER, "meta", `${prefix}_snapshot.json`), "utf8"),
      ) as { id: string; prevId: string };
      expect(snapshot.prevId, `${prefix}_snapshot.json`).toBe(previousId);
      previousId = snapshot.id;
    }
  });
});
