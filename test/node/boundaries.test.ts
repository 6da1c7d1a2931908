/**
 * Holds the placement rule of docs/development.md ("Conventions") and the README's map against the code, so it holds
 * without anyone remembering it: imports point down, `lib/` stands alone, and a route
 * group's handlers stay its own.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import { LAZY_MODULES } from "../helpers/preload-lazy-modules.ts";

const SRC = join(ROOT, "src");

interface Import {
  from: string;
  to: string;
  /** `import type …` or every name marked `type`: erased at build, so no runtime edge. */
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && !!named && ts.isNamedImports(named) && named.elements.every((e) => e.isTypeOnly);
}

/** Every file under src/, parsed once for the checks below. */
const sources = sourceFiles(SRC).map((file) =>
  ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true),
);

/** A relative specifier in `source`, as a path relative to src/. */
const target = (source: ts.SourceFile, specifier: string) =>
  relative(SRC, resolve(dirname(source.fileName), specifier));

/** The project's own imports (relative specifiers), resolved to paths relative to src/. */
function importsOf(source: ts.SourceFile): Import[] {
  const imports: Import[] = [];
  for (const node of source.statements) {
    if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) continue;
    const spec = node.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) continue;
    imports.push({
      from: relative(SRC, source.fileName),
      to: target(source, spec.text),
      typeOnly: isTypeOnly(node),
    });
  }
  return imports;
}

const imports = sources.flatMap(importsOf);
const under = (path: string, folder: string) => path.startsWith(`${folder}/`);
const groupOf = (path: string) => (under(path, "routes") ? path.split("/")[1] : undefined);
/**
 * The entries compose everything: the worker (index.ts), the app (app.ts, assembled by
 * app.assemble.ts, built per path prefix by app.lazy.ts from route-groups.ts) and the cron
 * (scheduled.ts).
 */
const ENTRIES = new Set([
  "app.ts",
  "app.assemble.ts",
  "app.lazy.ts",
  "route-groups.ts",
  "index.ts",
  "scheduled.ts",
]);
const show = (list: Import[]) => list.map((i) => `${i.from} -> ${i.to}${i.typeOnly ? " (type)" : ""}`);

describe("where things live (README)", () => {
  it("reads the imports it judges", () => {
    expect(imports.length).toBeGreaterThan(100);
    expect(imports.some((i) => i.from === "app.ts" && under(i.to, "routes"))).toBe(true);
  });

  it("lib/ imports only lib/ (types aside)", () => {
    const out = imports.filter((i) => under(i.from, "lib") && !under(i.to, "lib") && !i.typeOnly);
    expect(show(out)).toEqual([]);
  });

  it("nothing outside routes/ imports a route group, and only routes use middleware", () => {
    const out = imports.filter(
      (i) =>
        !ENTRIES.has(i.from) &&
        ((under(i.to, "routes") && !under(i.from, "routes")) ||
          (under(i.to, "middleware") && !under(i.from, "routes") && !under(i.from, "middleware"))),
    );
    expect(show(out)).toEqual([]);
  });

  it("a group's routes, handlers and index files are its own: other groups use its services and schemas", () => {
    const out = imports.filter(
      (i) =>
        groupOf(i.from) !== undefined &&
        groupOf(i.to) !== undefined &&
        groupOf(i.from) !== groupOf(i.to) &&
        /\.(routes|handlers|index)\.tsx?$/.test(i.to),
    );
    expect(show(out)).toEqual([]);
  });

  it("no folder outside routes/ is used by only one group (it would belong in that group)", () => {
    const users = new Map<string, Set<string>>();
    for (const i of imports) {
      const folder = i.to.split("/")[0] as string;
      if (!i.to.includes("/") || folder === "routes" || folder === "lib" || folder === "middleware") continue;
      const user = groupOf(i.from) ?? (i.from.includes("/") ? (i.from.split("/")[0] as string) : i.from);
      if (user === folder) continue;
      users.set(folder, (users.get(folder) ?? new Set()).add(user));
    }
    const lonely = [...users]
      .filter(([, by]) => by.size < 2)
      .map(([folder, by]) => `${folder} <- ${[...by]}`);
    expect(lonely).toEqual([]);
  });

  it("a group's handlers are imported by its index only (shared code lives in a module of its own)", () => {
    const out = imports.filter(
      (i) =>
        /\.handlers\.tsx?$/.test(i.to) &&
        !(/\.index\.tsx?$/.test(i.from) && groupOf(i.from) === groupOf(i.to)),
    );
    expect(show(out)).toEqual([]);
  });

  it("runtime imports form no cycle between folders", () => {
    const folderOf = (path: string) => (groupOf(path) ? `routes/${groupOf(path)}` : path.split("/")[0]);
    expect(cycles(imports, folderOf)).toEqual([]);
  });

  it("runtime imports form no cycle between the files of a route group", () => {
    const inGroup = imports.filter((i) => groupOf(i.from) !== undefined && groupOf(i.from) === groupOf(i.to));
    expect(cycles(inGroup, (path) => path)).toEqual([]);
  });
});

/**
 * Every module src/ loads with a dynamic `import()`, relative to src/, but those of
 * route-groups.ts: the preload loads its groups through its own table.
 */
function lazyImports(): string[] {
  const found = new Set<string>();
  for (const source of sources) {
    if (relative(SRC, source.fileName) === "route-groups.ts") continue;
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        const [spec] = node.arguments;
        if (spec && ts.isStringLiteral(spec)) found.add(target(source, spec.text));
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return [...found].sort();
}

describe("modules loaded on first use", () => {
  // Under the test runner such an import is real I/O that concurrent requests would share and
  // workerd would cancel; the workers tests load every one of them before they start.
  it("are all loaded before the workers tests run (test/helpers/preload-lazy-modules.ts)", () => {
    const lazy = lazyImports();
    expect(lazy.length).toBeGreaterThan(5);
    expect(Object.keys(LAZY_MODULES).sort()).toEqual(lazy);
  });
});

/** Each runtime edge `a -> b` (between the nodes `nodeOf` maps files to) from which `a` is reachable again. */
function cycles(list: Import[], nodeOf: (path: string) => string | undefined): string[] {
  const edges = new Map<string, Set<string>>();
  for (const i of list.filter((i) => !i.typeOnly)) {
    const [a, b] = [nodeOf(i.from) as string, nodeOf(i.to) as string];
    if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b));
  }
  const reaches = (start: string, goal: string): boolean => {
    const seen = new Set<string>();
    const queue = [start];
    while (queue.length > 0) {
      const at = queue.pop() as string;
      if (at === goal) return true;
      if (seen.has(at)) continue;
      seen.add(at);
      queue.push(...(edges.get(at) ?? []));
    }
    return false;
  };
  return [...edges].flatMap(([a, targets]) =>
    [...targets].filter((b) => reaches(b, a)).map((b) => `${a} -> ${b} -> … -> ${a}`),
  );
}
