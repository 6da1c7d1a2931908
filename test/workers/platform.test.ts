import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { unreachableDatabase } from "../helpers/database-driver.ts";
import type { OpenApiDocument } from "../helpers/openapi-document.ts";

describe("request ids", () => {
  it("generates a UUID when the caller sends none", async () => {
    const response = await api("/health");
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes a sane incoming X-Request-Id", async () => {
    const response = await api("/health", { headers: { "X-Request-Id": "trace-42.abc:1" } });
    expect(response.headers.get("x-request-id")).toBe("trace-42.abc:1");
  });

  it("replaces an unsafe or oversized incoming id", async () => {
    for (const bad of ["<script>", "a".repeat(200), "id with spaces"]) {
      const response = await api("/health", { headers: { "X-Request-Id": bad } });
      const id = response.headers.get("x-request-id");
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("puts the same id in an error body and its header", async () => {
    const response = await api("/nowhere", { headers: { "X-Request-Id": "err-trace-1" } });
    const problem = await expectProblem(response, 404, "not-found");
    expect(problem.request_id).toBe("err-trace-1");
  });
});

describe("default headers", () => {
  /** On every response: OWASP's REST Security Cheat Sheet set. */
  const everyResponse = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "cross-origin-resource-policy": "same-origin",
    "strict-transport-security": "max-age=15552000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
  };
  /** On HTML documents only: the rest of hono's secureHeaders() defaults. */
  const documentsAlso = {
    "cross-origin-opener-policy": "same-origin",
    "origin-agent-cluster": "?1",
    "referrer-policy": "no-referrer",
    "x-dns-prefetch-control": "off",
    "x-download-options": "noopen",
    "x-permitted-cross-domain-policies": "none",
    "x-xss-protection": "0",
  };
  const sent = (response: Response, names: string[]) =>
    Object.fromEntries(names.map((name) => [name, response.headers.get(name)]));

  it("sets the API's security headers and a locked-down CSP on JSON, errors included", async () => {
    for (const response of [await api("/health"), await api("/nowhere")]) {
      expect(sent(response, Object.keys(everyResponse))).toEqual(everyResponse);
      // A JSON answer is never rendered as a page, so the document-only headers stay off it.
      expect(sent(response, Object.keys(documentsAlso))).toEqual(
        Object.fromEntries(Object.keys(documentsAlso).map((name) => [name, null])),
      );
    }
  });

  it("adds the document headers to HTML pages, keeping the page's own CSP and Referrer-Policy", async () => {
    const docs = await api("/docs");
    expect(docs.headers.get("content-type")).toMatch(/^text\/html/);
    expect(sent(docs, Object.keys(documentsAlso))).toEqual(documentsAlso);
    const { "content-security-policy": _csp, ...rest } = everyResponse;
    expect(sent(docs, Object.keys(rest))).toEqual(rest);
    const page = await api("/status");
    expect(sent(page, Object.keys(documentsAlso))).toEqual({
      ...documentsAlso,
      "referrer-policy": "same-origin",
    });
  });

  it("never replaces a security header the handler set itself", async () => {
    const docs = await api("/docs");
    expect(docs.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(docs.headers.get("x-content-type-options")).toBe("nosniff");
    const page = await api("/status");
    expect(page.headers.get("referrer-policy")).toBe("same-origin");
    expect(page.headers.get("content-security-policy")).not.toBe(
      "default-src 'none'; frame-ancestors 'none'",
    );
  });

  it("answers CORS preflight with the allowed headers", async () => {
    const response = await api("/health", {
      method: "OPTIONS",
      headers: {
        Origin: "https://app.example",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
  });

  it("grants nothing to a preflight without an Origin or from an origin not allowed", async () => {
    const preflight = {
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization",
    };
    const restricted = apiWithEnv({ CORS_ORIGINS: "https://good.example" });
    const answers = [
      await api("/health", { method: "OPTIONS", headers: preflight }),
      await restricted("/health", { method: "OPTIONS", headers: preflight }),
      await restricted("/health", {
        method: "OPTIONS",
        headers: { ...preflight, Origin: "https://evil.example" },
      }),
    ];
    for (const response of answers) {
      expect(response.status).toBe(204);
      expect([...response.headers.keys()].filter((name) => name.startsWith("access-control-"))).toEqual([]);
      expect(response.headers.get("vary")).toContain("Origin");
    }
    const allowed = await restricted("/health", {
      method: "OPTIONS",
      headers: { ...preflight, Origin: "https://good.example" },
    });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://good.example");
  });

  it("only allows configured origins when CORS_ORIGINS lists them", async () => {
    const restricted = apiWithEnv({ CORS_ORIGINS: "https://good.example" });
    const good = await restricted("/health", { headers: { Origin: "https://good.example" } });
    const evil = await restricted("/health", { headers: { Origin: "https://evil.example" } });
    expect(good.headers.get("access-control-allow-origin")).toBe("https://good.example");
    expect(good.headers.get("access-control-expose-headers")).toContain("X-Request-Id");
    expect(evil.headers.get("access-control-allow-origin")).toBeNull();
    expect(evil.headers.get("access-control-expose-headers")).toBeNull();
  });

  it("sends CORS headers only to a cross-origin caller, and always says the answer varies on Origin", async () => {
    const crossOrigin = await api("/health", { headers: { Origin: "https://app.example" } });
    expect(crossOrigin.headers.get("access-control-allow-origin")).toBe("*");
    expect(crossOrigin.headers.get("access-control-expose-headers")).toContain("RateLimit");
    const sameOrigin = await api("/health");
    expect(sameOrigin.headers.get("access-control-allow-origin")).toBeNull();
    expect(sameOrigin.headers.get("access-control-expose-headers")).toBeNull();
    for (const response of [crossOrigin, sameOrigin]) {
      expect(response.headers.get("vary")).toContain("Origin");
    }
  });
});

describe("routing errors", () => {
  it("answers an unknown route with a 404 problem", async () => {
    const problem = await expectProblem(await api("/does/not/exist"), 404, "not-found");
    expect(problem.detail).toContain("/does/not/exist");
    expect(problem.instance).toBe("/does/not/exist");
  });

  it("answers a known path with the wrong method with 405 and Allow", async () => {
    const response = await api("/health", { method: "DELETE" });
    await expectProblem(response, 405, "method-not-allowed");
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });

  it("reads a percent-encoded path as the router does: 405 with Allow, not 404", async () => {
    expect((await api("/%68ealth")).status).toBe(200);
    const response = await api("/%68ealth", { method: "DELETE" });
    await expectProblem(response, 405, "method-not-allowed");
    expect(response.headers.get("allow")).toBe("GET, HEAD");
  });
});

describe("health", () => {
  it("GET /health answers without touching dependencies", async () => {
    const response = await api("/health");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });

  it("GET /health/ready reports Postgres and KV up", async () => {
    const response = await api("/health/ready");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
    expect(body.status).toBe("ready");
    expect(body.checks.postgres?.status).toBe("up");
    expect(body.checks.kv?.status).toBe("up");
  });

  it("GET /health/ready answers 503 naming Postgres when the database is unreachable", async () => {
    const broken = apiWithEnv(unreachableDatabase("u:p"));
    const response = await broken("/health/ready");
    const problem = await expectProblem(response, 503, "dependency-unavailable");
    expect(problem.dependencies).toEqual(["postgres"]);
    expect(problem.detail).toContain("postgres");
    expect(response.headers.get("retry-after")).toBe("5");
    expect(JSON.stringify(problem)).not.toContain("u:p@");
  });
});

describe("docs", () => {
  it("serves the OpenAPI 3.1 document", async () => {
    const response = await api("/openapi.json");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as OpenApiDocument;
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/health/ready");
  });

  it("serves the docs page with same-origin Swagger UI assets only", async () => {
    const response = await api("/docs");
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('src="/docs/vendor/swagger-ui-bundle.js"');
    expect(html).not.toMatch(/https?:\/\//);
    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
  });
});

describe("unhandled exceptions", () => {
  const boom = (environment: string) => {
    const app = createApp();
    app.get("/boom", () => {
      throw new Error("connect ECONNREFUSED 10.0.0.5:5432");
    });
    const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} };
    return app.request("/boom", {}, { ...env, ENVIRONMENT: environment }, ctx);
  };

  it("answers 500 problem+json without internals in production", async () => {
    const problem = await expectProblem(await boom("production"), 500, "internal-error");
    expect(problem.detail).not.toContain("ECONNREFUSED");
    expect(problem.detail).toContain("request id");
  });

  it("shows the exception message (never the stack) outside deployed environments", async () => {
    const problem = await expectProblem(await boom("test"), 500, "internal-error");
    expect(problem.detail).toContain("ECONNREFUSED");
  });
});
