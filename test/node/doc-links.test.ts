import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The README is a map into docs/: every relative link and `#anchor` in README.md and docs/*.md
 * must lead somewhere, so moving or renaming a section cannot leave a dead link behind.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const FILES = [
  "README.md",
  ...readdirSync(join(ROOT, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

/** Markdown without its fenced code blocks (a `#` line in a shell block is not a heading). */
function prose(file: string): string {
  return readFileSync(join(ROOT, file), "utf8").replace(/^```[\s\S]*?^```/gm, "");
}

/** GitHub's heading anchors: lower-case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(file: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of prose(file).matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const slug = (heading as string)
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .trim()
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Every link target that is not an absolute URL: `[text](target)` and `![alt](target)`. */
function relativeLinks(file: string): string[] {
  return [...prose(file).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z]+:/i.test(target));
}

describe("documentation links", () => {
  it.each(FILES)("%s: every relative link and anchor resolves", (file) => {
    const broken: string[] = [];
    for (const target of relativeLinks(file)) {
      const [path = "", anchor] = target.split("#");
      const destination = path === "" ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), path);
      if (!existsSync(destination)) broken.push(`${target} (no such file)`);
      else if (anchor && !anchorsOf(relative(ROOT, destination)).has(anchor))
        broken.push(`${target} (no such heading)`);
    }
    expect(broken).toEqual([]);
  });
});
