/**
 * The vendored-file copy of scripts/build-assets.ts, which every test run calls while other
 * runs' servers read public/: an unchanged file is left as it is, a changed one is replaced
 * whole, and no partial file is left where the asset router or the upload would see it.
 */
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { copyUnlessSame } from "../../scripts/build-assets.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "devhub-assets-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("copyUnlessSame", () => {
  it("leaves an identical file untouched, replaces a changed one, and leaves no partial file", async () => {
    const source = join(dir, "source.js");
    const target = join(dir, "target.js");
    await writeFile(source, "console.log(1);\n");
    copyUnlessSame(source, target);
    expect(await readFile(target, "utf8")).toBe("console.log(1);\n");

    // An old mtime shows whether the second call wrote the file again.
    const old = new Date("2020-01-01T00:00:00Z");
    await utimes(target, old, old);
    copyUnlessSame(source, target);
    expect((await stat(target)).mtime.toISOString()).toBe(old.toISOString());

    await writeFile(source, "console.log(2);\n");
    copyUnlessSame(source, target);
    expect(await readFile(target, "utf8")).toBe("console.log(2);\n");
    expect((await readdir(dir)).sort()).toEqual(["source.js", "target.js"]);
  });
});
