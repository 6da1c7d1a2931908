import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { loadConfig } from "../../src/config.ts";

/**
 * docs/configuration.md is the one list of the worker's settings and bindings. These tests keep
 * its tables equal to what the code reads and declares, so a setting added without a row (or a
 * row left behind after a setting goes) fails here instead of going undocumented.
 */
const ROOT = join(import.meta.dirname, "..", "..");
const DOC = join(ROOT, "docs", "configuration.md");
const WRANGLER = join(ROOT, "wrangler.toml");
const ENVIRONMENTS = [undefined, "staging", "production"];

/** The backticked names in the first column of the table under `## <heading>`. */
function documentedNames(heading: string): string[] {
  const section = readFileSync(DOC, "utf8")
    .split(/^## /m)
    .find((part) => part.startsWith(`${heading}\n`));
  if (!section) throw new Error(`docs/configuration.md has no "## ${heading}" section`);
  return [...section.matchAll(/^\|\s*`([A-Z][A-Z0-9_]*)`\s*\|/gm)].map((match) => match[1] as string);
}

/** Every key `loadConfig` reads from its source, recorded by handing it a proxy. */
function namesReadByLoadConfig(): Set<string> {
  const read = new Set<string>();
  const source = new Proxy({} as Record<string, unknown>, {
    get(_target, key) {
      if (typeof key === "string") read.add(key);
      return undefined;
    },
  });
  loadConfig(source);
  return read;
}

/** The string members of `interface Bindings` in src/env.ts (optional vars and secrets). */
function namesDeclaredInEnvTs(): Set<string> {
  const file = join(ROOT, "src", "env.ts");
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest);
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isInterfaceDeclaration(statement) || statement.name.text !== "Bindings") continue;
    for (const member of statement.members) {
      if (ts.isPropertySignature(member) && member.type?.kind === ts.SyntaxKind.StringKeyword) {
        names.add(member.name.getText(source));
      }
    }
  }
  if (names.size === 0) throw new Error("no string members found in src/env.ts's Bindings");
  return names;
}

function wranglerConfigs() {
  return ENVIRONMENTS.map((env) => unstable_readConfig({ config: WRANGLER, env }));
}

/** Vars set in wrangler.toml, in any environment. */
function namesOfWranglerVars(): Set<string> {
  return new Set(wranglerConfigs().flatMap((config) => Object.keys(config.vars)));
}

/** Binding names in wrangler.toml, in any environment. */
function namesOfWranglerBindings(): Set<string> {
  return new Set(
    wranglerConfigs().flatMap((config) => [
      ...config.hyperdrive.map((entry: { binding: string }) => entry.binding),
      ...config.kv_namespaces.map((entry: { binding: string }) => entry.binding),
      ...config.durable_objects.bindings.map((entry: { name: string }) => entry.name),
      ...config.ratelimits.map((entry: { name: string }) => entry.name),
    ]),
  );
}

/** Names on one side only, so a failure says exactly which row to add or remove. */
function difference(documented: string[], actual: Set<string>) {
  return {
    missingRows: [...actual].filter((name) => !documented.includes(name)).sort(),
    extraRows: documented.filter((name) => !actual.has(name)).sort(),
    duplicateRows: documented.filter((name, index) => documented.indexOf(name) !== index),
  };
}

const noDifference = { missingRows: [], extraRows: [], duplicateRows: [] };

describe("docs/configuration.md", () => {
  it("lists every setting the worker reads or declares, and no other", () => {
    const actual = new Set([...namesReadByLoadConfig(), ...namesDeclaredInEnvTs(), ...namesOfWranglerVars()]);
    expect(difference(documentedNames("Settings"), actual)).toEqual(noDifference);
  });

  it("lists every binding in wrangler.toml, and no other", () => {
    expect(difference(documentedNames("Bindings"), namesOfWranglerBindings())).toEqual(noDifference);
  });
});

describe("declared settings", () => {
  it("every setting loadConfig reads is typed in src/env.ts or set in wrangler.toml", () => {
    const declared = new Set([...namesDeclaredInEnvTs(), ...namesOfWranglerVars()]);
    const undeclared = [...namesReadByLoadConfig()].filter((name) => !declared.has(name));
    expect(undeclared).toEqual([]);
  });
});
