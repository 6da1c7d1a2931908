import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { bindingBudgets, parsePolicyFigures, RATE_LIMIT_POLICY } from "../../src/rate-limit/policy.ts";

const CONFIG = join(import.meta.dirname, "..", "..", "wrangler.toml");

describe("the rate-limit policy table", () => {
  it.each([
    ["top level", undefined],
    ["staging", "staging"],
    ["production", "production"],
  ])(
    "wrangler.toml (%s) binds every binding budget with the table's figures, and no other",
    (_label, environment) => {
      const config = unstable_readConfig({ config: CONFIG, env: environment });
      const bound = config.ratelimits.map(
        (entry: { name: string; namespace_id: string; simple: unknown }) => ({
          binding: entry.name,
          namespaceId: entry.namespace_id,
          simple: entry.simple,
        }),
      );
      const table = bindingBudgets().map(({ binding, namespaceId, limit, period }) => ({
        binding,
        namespaceId,
        simple: { limit, period },
      }));
      expect(bound).toEqual(table);
      expect(table.length).toBeGreaterThanOrEqual(6);
    },
  );

  it("RATE_LIMIT_POLICY overrides figures; a typo, an unknown name or a window the binding cannot count changes nothing", () => {
    const figures = parsePolicyFigures(
      "vote=5/10, login_ip=7/60,search_slots=4,bogus=1/60,client=5/30,export=0/60,x",
    );
    expect(figures.vote).toEqual({ limit: 5, windowSeconds: 10 });
    expect(figures.login_ip).toEqual({ limit: 7, windowSeconds: 60 });
    expect(figures.search_slots.limit).toBe(4);
    expect(figures.client).toEqual({ limit: RATE_LIMIT_POLICY.client.limit, windowSeconds: 60 });
    expect(figures.export.limit).toBe(RATE_LIMIT_POLICY.export.limit);
    expect(parsePolicyFigures(undefined).github_upstream).toEqual({ limit: 75, windowSeconds: 60 });
  });
});
