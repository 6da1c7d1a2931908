import { describe, expect, it } from "vitest";
import { isStaticPath, STATIC_ROUTES } from "../../scripts/lib/static-routes.ts";
import { createApp } from "../../src/app.ts";
import { api, expectProblem } from "../helpers/api.ts";

/**
 * The asset router answers a static path before the worker runs (test/node/static-assets.test.ts
 * covers the files themselves), so a route there would be shadowed by a file.
 */
describe("static paths", () => {
  it("hold no route of the app", () => {
    const routes = createApp().routes.map((route) => route.path);
    expect(routes).toContain("/docs");
    for (const path of routes) expect(isStaticPath(path), path).toBe(false);
    for (const route of STATIC_ROUTES) expect(isStaticPath(route.replace("*", "x.js")), route).toBe(true);
  });

  it("reach the worker only for a file that does not exist, and get a 404 problem", async () => {
    for (const path of ["/pages/nope.js", "/docs/vendor/swagger-ui-bundle.js.map", "/favicon.ico"]) {
      await expectProblem(await api(path), 404, "not-found");
    }
  });
});
