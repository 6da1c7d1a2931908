import { readFile } from "node:fs/promises";
import { join } from "node:path";
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
});
