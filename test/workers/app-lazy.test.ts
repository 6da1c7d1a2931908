import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { appForKey, appKey, firstSegment, lazyAppFetch } from "../../src/app.lazy.ts";
import { createApp } from "../../src/app.ts";
import { LAZY_ROUTE_GROUPS } from "../../src/route-groups.ts";
import { api, expectProblem } from "../helpers/api.ts";

type Routed = { routes: ReadonlyArray<{ method: string; path: string }> };

/** A route path's first segment, as the worker picks its app: `notes` for `/notes/:id`. */
const segmentOf = (path: string) => path.split("/")[1] ?? "";
/** The routes a group declared (the app-wide middleware is on `*` and `/*`), as `METHOD path`. */
const declared = (app: Routed, segment: string) =>
  app.routes
    .filter((route) => route.path !== "*" && route.path !== "/*" && segmentOf(route.path) === segment)
    .map((route) => `${route.method} ${route.path}`);

/**
 * The worker builds one app per set of route groups, on the first request under their paths
 * (src/app.lazy.ts, src/route-groups.ts). Each must hold exactly the whole app's routes for its
 * paths, in the same order, or a path would answer differently (or 404) in the worker.
 */
describe("apps built per path prefix", () => {
  it("hold every route of the whole app under their prefix, in the same order", async () => {
    const whole = createApp() as unknown as Routed;
    const segments = new Set(whole.routes.map((route) => segmentOf(route.path)));
    segments.delete("*");
    expect(segments.size).toBeGreaterThan(10);
    const served: Record<string, string[]> = {};
    const expected: Record<string, string[]> = {};
    for (const segment of segments) {
      const key = appKey(segment);
      if (key === "whole") continue;
      served[segment] = declared((await appForKey(key)).app as unknown as Routed, segment);
      expected[segment] = declared(whole, segment);
    }
    expect(served).toEqual(expected);
  });

  it("run the same app-wide middleware as the whole app, so no group adds one of its own to every path", async () => {
    const appWide = (app: Routed) =>
      app.routes
        .filter((route) => route.path === "*" || route.path === "/*")
        .map((r) => `${r.method} ${r.path}`);
    const bare = (await appForKey("")).app as unknown as Routed;
    expect(appWide(bare).length).toBeGreaterThan(5);
    expect(appWide(createApp() as unknown as Routed)).toEqual(appWide(bare));
  });

  it("share one app for every path no group serves, so unknown paths cannot grow the isolate", () => {
    expect(appKey("nope")).toBe("");
    expect(appKey("wp-admin")).toBe(appKey("nope"));
    expect(appKey("openapi.json")).toBe("whole");
  });

  it("read the first segment of a request URL as the router reads the path", () => {
    expect(firstSegment("https://h.test/")).toBe("");
    expect(firstSegment("https://h.test/notes/1?x=/y")).toBe("notes");
    expect(firstSegment("https://h.test/notes?x")).toBe("notes");
    expect(firstSegment("https://h.test/%6Eotes/1")).toBe("notes");
    expect(firstSegment("https://h.test/%E0%A4%A")).toBe("%E0%A4%A");
  });

  it("answer through the worker as the whole app does: 404 problem, 405 with Allow, the document", async () => {
    await expectProblem(await api("/nope"), 404, "not-found");
    const refused = await api("/health", { method: "DELETE" });
    expect(refused.status).toBe(405);
    expect(refused.headers.get("Allow")).toBe("GET, HEAD");
    const encoded = await api("/%68ealth");
    expect(encoded.status).toBe(200);
    const document = await api("/openapi.json");
    expect(document.status).toBe(200);
    expect(Object.keys(((await document.json()) as { paths: object }).paths)).toContain("/notes/{id}");
  });

  it("answer a group that fails to load with a logged 500 problem, and load it again on the next request", async () => {
    const health = LAZY_ROUTE_GROUPS.find((group) => group.segments.includes("health"));
    if (!health) throw new Error("no group serves /health");
    const load = health.load;
    const fetchLazily = lazyAppFetch();
    const send = () => fetchLazily(new Request("https://h.test/health"), env, createExecutionContext());
    health.load = () => Promise.reject(new Error("module evaluation failed"));
    try {
      const failed = await send();
      expect(failed.headers.get("x-request-id")).toBeTruthy();
      expect(failed.headers.get("x-content-type-options")).toBe("nosniff");
      await expectProblem(failed, 500, "internal-error");
      // A bundled module whose evaluation threw resolves later imports with its exports unset.
      health.load = () => Promise.resolve(undefined as never);
      await expectProblem(await send(), 500, "internal-error");
    } finally {
      health.load = load;
    }
    expect((await send()).status).toBe(200);
  });
});
