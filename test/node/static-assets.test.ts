/**
 * The static files as production serves them: the deployable bundle in workerd with
 * wrangler.toml's `[assets]`, so every request passes Miniflare's asset router (the same
 * router code Cloudflare runs) before the worker, and public/_headers applies.
 * (Workers-project tests call the worker's fetch directly, past the router.)
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type LocalWorker, registerAccount, startLocalWorker } from "../../scripts/lib/local-worker.ts";

let worker: LocalWorker;

const get = (path: string, init: RequestInit = {}) =>
  fetch(new URL(path, worker.url), { ...init, signal: AbortSignal.timeout(20_000) });

/** The same-origin scripts and stylesheets an HTML page names. */
function linkedFiles(html: string): string[] {
  const links = [...html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="(\/[^"]+\.(?:js|css))"/g)];
  return links.map((match) => match[1] as string);
}

/** A poll to open a results page on (the page names uPlot and the poll script). */
async function createPoll(): Promise<string> {
  const session = await registerAccount(worker.url, "assets");
  const response = await get("/polls", {
    method: "POST",
    headers: { Authorization: `Bearer ${session.access_token}`, "Content-Type": "application/json" },
    body: JSON.stringify({
      title: "Static assets",
      questions: [
        { prompt: "Tabs or spaces?", kind: "single", choices: [{ label: "Tabs" }, { label: "Spaces" }] },
      ],
    }),
  });
  if (response.status !== 201) throw new Error(`poll: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { id: string }).id;
}

beforeAll(async () => {
  worker = await startLocalWorker({
    databaseUrl: inject("databaseUrl"),
    githubApiUrl: inject("githubApiUrl"),
    scriptPath: inject("workerBundle"),
    bindings: { JWT_SECRET: "assets-only-jwt-secret-0123456789abcdef", LOG_LEVEL: "error" },
  });
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

describe("static assets", () => {
  it("serves every script and stylesheet the docs page and the pages name, without the worker", async () => {
    const pollId = await createPoll();
    const linked = new Set<string>();
    for (const page of [
      "/docs",
      "/status",
      "/p/new",
      `/p/${pollId}`,
      `/gh/r12-${crypto.randomUUID().slice(0, 8)}`,
    ]) {
      const response = await get(page, { headers: { Accept: "text/html" } });
      expect(response.status, page).toBe(200);
      for (const path of linkedFiles(await response.text())) linked.add(path);
    }
    // Swagger UI and its boot script, the pages' own script and styles, uPlot.
    for (const expected of [
      "/docs/vendor/swagger-ui-bundle.js",
      "/docs/init.js",
      "/pages/pages.css",
      "/pages/poll-new.js",
    ]) {
      expect(linked).toContain(expected);
    }
    expect([...linked].some((path) => path.startsWith("/pages/vendor/uPlot"))).toBe(true);
    for (const path of linked) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      const type = path.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
      expect(response.headers.get("content-type"), path).toBe(type);
      // nosniff (public/_headers) is what makes a browser refuse a script under the wrong type.
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("content-security-policy"), path).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers.get("etag"), path).toMatch(/^"[0-9a-f]{32}"$/);
      // Every worker answer carries a request id and (but /health) budget headers: none here.
      expect(response.headers.get("x-request-id"), path).toBeNull();
      expect(response.headers.get("ratelimit-policy"), path).toBeNull();
      expect((await response.text()).length, path).toBeGreaterThan(100);
    }
  });

  it("serves Swagger UI's 1.7 MB bundle whole", async () => {
    const body = await (await get("/docs/vendor/swagger-ui-bundle.js")).text();
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(body).toContain("SwaggerUIBundle");
  });

  it("answers a revalidation with 304 while the file is unchanged, and HEAD without a body", async () => {
    const first = await get("/pages/poll.js");
    const etag = first.headers.get("etag") as string;
    // Names are not versioned: a browser revalidates every time, so a page and its scripts
    // are never a deploy apart.
    expect(first.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    const revalidated = await get("/pages/poll.js", { headers: { "If-None-Match": etag } });
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get("etag")).toBe(etag);
    expect(await revalidated.text()).toBe("");
    const stale = await get("/pages/poll.js", {
      headers: { "If-None-Match": '"0123456789abcdef0123456789abcdef"' },
    });
    expect(stale.status).toBe(200);
    const head = await get("/pages/poll.js", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBe(etag);
    expect(await head.text()).toBe("");
  });

  it("serves the icon at /favicon.svg and /favicon.ico alike", async () => {
    const svg = await get("/favicon.svg");
    const ico = await get("/favicon.ico");
    for (const response of [svg, ico]) {
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toBe("image/svg+xml");
      expect(response.headers.get("x-request-id")).toBeNull();
    }
    expect(ico.headers.get("etag")).toBe(svg.headers.get("etag"));
    expect(await ico.text()).toMatch(/^<svg[\s\S]*<title>devhub<\/title>/);
  });

  it("passes a missing file or a climb out of the folders to the worker, which answers a 404 problem", async () => {
    for (const path of [
      "/pages/nope.js",
      "/docs/vendor/swagger-ui-bundle.js.map",
      "/pages/..%2fopenapi.json",
      "/pages/%2e%2e%2fopenapi.json",
      "/pages/__proto__",
      "/_headers",
    ]) {
      const response = await get(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type"), path).toBe("application/problem+json");
      expect(response.headers.get("x-request-id"), path).toBeTruthy();
    }
  });

  it("refuses a write to a file with the asset router's own 405, never reaching the worker", async () => {
    for (const method of ["POST", "PUT", "DELETE"]) {
      const write = await get("/docs/init.js", { method });
      expect(write.status, method).toBe(405);
      expect(write.headers.get("x-request-id"), method).toBeNull();
      expect(await write.text(), method).toBe("");
    }
  });

  it("passes a WebSocket upgrade through the asset router to the worker (live results)", async () => {
    const pollId = await createPoll();
    const socket = new WebSocket(`${worker.url.origin.replace(/^http/, "ws")}/polls/${pollId}/results/live`);
    const first = await new Promise<string>((resolve, reject) => {
      socket.addEventListener("message", (event) => resolve(String(event.data)), { once: true });
      socket.addEventListener("error", () => reject(new Error("the socket failed")), { once: true });
      setTimeout(() => reject(new Error("no message within 15 s")), 15_000);
    });
    socket.close();
    expect(JSON.parse(first)).toMatchObject({ results: { questions: [{ prompt: "Tabs or spaces?" }] } });
  });

  it("leaves every API path to the worker", async () => {
    const health = await get("/health");
    expect(health.status).toBe(200);
    expect(health.headers.get("x-request-id")).toBeTruthy();
    const docs = await get("/docs");
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    expect(docs.headers.get("x-request-id")).toBeTruthy();
  });
});
