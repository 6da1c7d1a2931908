/**
 * Completes package-lock.json with the other platforms' optional binaries (biome,
 * workerd) when the registry this lock was made against does not serve them: without
 * those entries `npm ci` refuses the lock as out of sync. Each added entry carries the
 * os/cpu that its name states, so npm skips it on every other machine, as it would have.
 * Run after changing dependencies: `npm install && npm run lockfile:platforms`.
 */
import { readFile, writeFile } from "node:fs/promises";

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

const OS_WORDS: Record<string, string> = {
  darwin: "darwin",
  linux: "linux",
  win32: "win32",
  windows: "win32",
  android: "android",
  freebsd: "freebsd",
};
const CPU_WORDS: Record<string, string> = {
  x64: "x64",
  "64": "x64",
  arm64: "arm64",
  arm: "arm",
  ia32: "ia32",
};

function platformOf(name: string): Pick<LockEntry, "os" | "cpu" | "libc"> | undefined {
  const words = name.split("/").pop()?.split("-") ?? [];
  const os = words.map((word) => OS_WORDS[word]).find(Boolean);
  const cpu = words.map((word) => CPU_WORDS[word]).find(Boolean);
  if (!os || !cpu) return undefined;
  return { os: [os], cpu: [cpu], ...(words.includes("musl") ? { libc: ["musl"] } : {}) };
}

const path = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(await readFile(path, "utf8")) as { packages: Record<string, LockEntry> };
let added = 0;
for (const [location, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    // npm resolves a dependency from the package's own node_modules, then its siblings,
    // then the root; the missing entry goes beside the package that wants it.
    const siblings = `${location.slice(0, location.lastIndexOf("node_modules/"))}node_modules/${name}`;
    const candidates = [`${location}/node_modules/${name}`, siblings, `node_modules/${name}`];
    if (candidates.some((candidate) => lock.packages[candidate]?.version === version)) continue;
    const platform = platformOf(name);
    if (!platform) continue;
    lock.packages[siblings] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, ...platform };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b)));
await writeFile(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: added ${added} platform-specific optional entries`);
