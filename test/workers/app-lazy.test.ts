import { describe, expect, it } from "vitest";
import { appForKey, appKey, firstSegment } from "../../src/app.lazy.ts";
import { createApp } from "../../src/app.ts";
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
      served[segment] = declared((await appForKey(key)) as unknown as Routed, segment);
      expected[segment] = declared(whole, segment);
    }
    expect(served).toEqual(expected);
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
});
