import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { BUDGETS } from "../../src/rate-limit/budgets.ts";
import { isUnmetered } from "../../src/rate-limit/unmetered.ts";
import { STATIC_ROUTES } from "../../src/routes/static/static-routes.ts";

const CONFIG = join(import.meta.dirname, "..", "..", "wrangler.toml");

describe("rate limit budgets", () => {
  it.each([
    ["top level", undefined],
    ["staging", "staging"],
    ["production", "production"],
  ])("wrangler.toml (%s) binds every budget with the figures the headers announce", (_label, environment) => {
    const config = unstable_readConfig({ config: CONFIG, env: environment });
    const bound = new Map(
      config.ratelimits.map((entry: { name: string; simple: unknown }) => [entry.name, entry.simple]),
    );
    for (const { binding, limit, period } of Object.values(BUDGETS)) {
      expect(bound.get(binding), binding).toEqual({ limit, period });
    }
  });
});

describe("unmetered operations", () => {
  it("cover every static route (unmetered.ts lists them; rate-limit/ may not import routes/)", () => {
    for (const route of STATIC_ROUTES) expect(isUnmetered("GET", route), route).toBe(true);
  });
});
