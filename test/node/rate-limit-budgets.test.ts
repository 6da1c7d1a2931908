import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { unstable_readConfig } from "wrangler";
import { createApp } from "../../src/app.ts";
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

/** Liveness spends no budget (src/rate-limit/unmetered.ts); openapi.completeness checks it declares none. */
const UNMETERED = ["get /health"];

describe("OpenAPI declares the rate limits on every metered operation", () => {
  it("429 with Retry-After, and RateLimit-Policy / RateLimit on each 2xx", async () => {
    const env = { ENVIRONMENT: "test", HYPERDRIVE: { connectionString: "postgres://u:p@127.0.0.1:9/x" } };
    const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} };
    const doc = (await (await createApp().request("/openapi.json", {}, env, ctx)).json()) as {
      paths: Record<
        string,
        Record<string, { responses: Record<string, { headers?: Record<string, unknown> }> }>
      >;
      components: { headers: Record<string, unknown> };
    };
    expect(Object.keys(doc.components.headers)).toEqual(
      expect.arrayContaining(["RateLimit", "RateLimit-Policy", "Retry-After"]),
    );
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        operations += 1;
        const where = `${method} ${path}`;
        if (UNMETERED.includes(where)) continue;
        expect(Object.keys(operation.responses["429"]?.headers ?? {}), where).toContain("Retry-After");
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!status.startsWith("2")) continue;
          expect(Object.keys(response.headers ?? {}), `${where} ${status}`).toEqual(
            expect.arrayContaining(["RateLimit", "RateLimit-Policy"]),
          );
        }
      }
    }
    expect(operations).toBeGreaterThan(20);
  });
});
