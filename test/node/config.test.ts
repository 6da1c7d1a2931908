import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../../scripts/lib/local-worker.ts";
import { COMPATIBILITY_DATE } from "../../src/routes/system/stats.report.ts";

const wranglerToml = () => readFile(join(ROOT, "wrangler.toml"), "utf8");

describe("wrangler.toml", () => {
  it("declares the compatibility date /stats reports", async () => {
    expect(await wranglerToml()).toMatch(new RegExp(`^compatibility_date = "${COMPATIBILITY_DATE}"$`, "m"));
  });

  it("repeats every binding in each environment (bindings are not inherited)", async () => {
    const toml = await wranglerToml();
    for (const section of ["[env.staging]", "[env.production]"]) {
      const body = toml.slice(toml.indexOf(section)).split(/\n\[env\./)[0] as string;
      for (const binding of ["HYPERDRIVE", "CACHE", "STATS", "RATE_LIMITER", "ENVIRONMENT"]) {
        expect(body, `${section} ${binding}`).toContain(binding);
      }
    }
  });

  it("sends every path to the worker first except the static files in public/", async () => {
    const line = /^run_worker_first = (\[.*\])$/m.exec(await wranglerToml())?.[1];
    const rules = JSON.parse(line ?? "[]") as string[];
    expect(rules[0]).toBe("/*");
    const staticPrefixes = rules.filter((rule) => rule.startsWith("!")).map((rule) => rule.slice(1));
    const servedAsAsset = (path: string) =>
      staticPrefixes.some((rule) =>
        rule.endsWith("/*") ? path.startsWith(rule.slice(0, -1)) : path === rule,
      );
    const publicDir = join(ROOT, "public");
    const files = (await readdir(publicDir, { recursive: true, withFileTypes: true }))
      .filter((entry) => entry.isFile())
      .map((entry) => `/${relative(publicDir, join(entry.parentPath, entry.name))}`);
    expect(files).toContain("/docs/init.js");
    // A file outside these prefixes would be unreachable (the worker answers its path).
    for (const file of files) expect(servedAsAsset(file), file).toBe(true);
    // And no API path can ever be answered from public/.
    for (const path of ["/health", "/notes", "/docs", "/openapi.json", "/p/abc", "/status"]) {
      expect(servedAsAsset(path), path).toBe(false);
    }
  });
});
