import { describe, expect, it } from "vitest";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { uniqueLogin } from "../helpers/github.ts";
import { ownerWithPoll } from "../helpers/polls.ts";

/** The same-origin scripts and stylesheets an HTML page names. */
function linkedFiles(html: string): string[] {
  const links = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="(\/[^"]+\.(?:js|css))"/g)];
  return links.map((match) => match[1] as string);
}

describe("static files served by the worker", () => {
  it("serves every script and stylesheet the docs page and the pages name", async () => {
    const { poll } = await ownerWithPoll();
    const pages = ["/docs", "/status", `/p/${poll.id}`, `/gh/${uniqueLogin()}`];
    const linked = new Set<string>();
    for (const page of pages) {
      const response = await api(page);
      expect(response.status, page).toBe(200);
      for (const path of linkedFiles(await response.text())) linked.add(path);
    }
    // Swagger UI and its boot script, the pages' own script and styles, uPlot.
    for (const expected of ["/docs/vendor/swagger-ui-bundle.js", "/docs/init.js", "/pages/pages.css"]) {
      expect(linked).toContain(expected);
    }
    expect([...linked].some((path) => path.startsWith("/pages/vendor/uPlot"))).toBe(true);
    for (const path of linked) {
      const response = await api(path);
      expect(response.status, path).toBe(200);
      const type = path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      expect(response.headers.get("content-type"), path).toBe(type);
      // nosniff is what makes a browser refuse a script served under the wrong type.
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("etag")).toMatch(/^"s[A-Za-z0-9_-]{22}"$/);
      expect((await response.text()).length, path).toBeGreaterThan(100);
    }
  });

  it("serves the same bytes on every request, Swagger UI's 1.7 MB included", async () => {
    const first = await (await api("/docs/vendor/swagger-ui-bundle.js")).text();
    const second = await (await api("/docs/vendor/swagger-ui-bundle.js")).text();
    expect(first.length).toBeGreaterThan(1_000_000);
    expect(second).toBe(first);
    expect(first).toContain("SwaggerUIBundle");
  });

  it("answers a revalidation with 304 while the file is unchanged, and HEAD without a body", async () => {
    const first = await api("/pages/poll.js");
    const etag = first.headers.get("etag") as string;
    expect(first.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    const revalidated = await api("/pages/poll.js", { headers: { "If-None-Match": etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("etag")).toBe(etag);
    // Validators only: no representation metadata on a 304 (RFC 9110 §15.4.5).
    expect(revalidated.headers.get("content-type")).toBeNull();
    expect(revalidated.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    const weakList = await api("/pages/poll.js", { headers: { "If-None-Match": `"x", W/${etag}` } });
    expect(weakList.status).toBe(304);
    expect(await revalidated.text()).toBe("");
    const stale = await api("/pages/poll.js", {
      headers: { "If-None-Match": '"sAnOlderVersionOfThisFile0"' },
    });
    expect(stale.status).toBe(200);
    const head = await api("/pages/poll.js", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBe(etag);
    expect(await head.text()).toBe("");
  });

  it("answers a file that does not exist, or a climb out of the static folders, with a 404 problem", async () => {
    for (const path of [
      "/pages/nope.js",
      "/docs/vendor/swagger-ui-bundle.js.map",
      "/pages/..%2fopenapi.json",
      "/pages/%2e%2e%2fopenapi.json",
      "/pages/vendor/",
      "/docs/vendor/constructor",
      "/pages/__proto__",
    ]) {
      await expectProblem(await api(path), 404, "not-found");
    }
  });

  it("hides the docs page's files with the page when DOCS_ENABLED=false, and keeps the pages' files", async () => {
    const noDocs = apiWithEnv({ DOCS_ENABLED: "false" });
    await expectProblem(await noDocs("/docs"), 404, "not-found");
    for (const path of ["/docs/init.js", "/docs/vendor/swagger-ui-bundle.js"]) {
      await expectProblem(await noDocs(path), 404, "not-found");
    }
    expect((await noDocs("/pages/pages.css")).status).toBe(200);
  });

  it("refuses writes to a static file with 405", async () => {
    const response = await api("/docs/init.js", { method: "POST" });
    await expectProblem(response, 405, "method-not-allowed");
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});
