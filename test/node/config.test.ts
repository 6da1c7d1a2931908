import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { COMPATIBILITY_DATE } from "../../src/stats/report.ts";

describe("wrangler.toml", () => {
  it("declares the compatibility date /stats reports", async () => {
    const toml = await readFile(new URL("../../wrangler.toml", import.meta.url), "utf8");
    expect(toml).toMatch(new RegExp(`^compatibility_date = "${COMPATIBILITY_DATE}"$`, "m"));
  });

  it("repeats every binding in each environment (bindings are not inherited)", async () => {
    const toml = await readFile(new URL("../../wrangler.toml", import.meta.url), "utf8");
    for (const section of ["[env.staging]", "[env.production]"]) {
      const body = toml.slice(toml.indexOf(section)).split(/\n\[env\./)[0] as string;
      for (const binding of ["HYPERDRIVE", "CACHE", "STATS", "RATE_LIMITER", "ENVIRONMENT"]) {
        expect(body, `${section} ${binding}`).toContain(binding);
      }
    }
  });
});
