import { evictDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { COMPATIBILITY_DATE } from "../../src/routes/system/stats.report.ts";
import type { Stats } from "../../src/routes/system/stats.routes.ts";
import { addSample, emptyAggregate } from "../../src/stats/aggregate.ts";
import { RELATIVE_ACCURACY } from "../../src/stats/histogram.ts";
import { recorder } from "../../src/stats/recorder.ts";
import { api, apiWithEnv, expectProblem } from "../helpers/api.ts";
import { adminTokens, bearer, registerUser } from "../helpers/auth.ts";
import { asProduction } from "../helpers/database-driver.ts";

const readStats = async (): Promise<Stats> => {
  const response = await api("/stats");
  expect(response.status).toBe(200);
  return (await response.json()) as Stats;
};
const routeCount = (stats: Stats, route: string) => stats.routes[route]?.requests ?? 0;

describe("/stats", () => {
  it("counts requests by route pattern and status, and keeps the last error with its UTC time", async () => {
    const before = await readStats();
    for (let i = 0; i < 3; i += 1) await api("/health");
    await api("/nowhere-1");
    await api("/nowhere-2");
    await api(`/notes/${crypto.randomUUID()}`);
    const failed = await api("/trigger-error");
    await expectProblem(failed, 500, "internal-error");
    const after = await readStats();

    expect(routeCount(after, "GET /health") - routeCount(before, "GET /health")).toBe(3);
    expect(routeCount(after, "GET /notes/:id") - routeCount(before, "GET /notes/:id")).toBe(1);
    expect(Object.keys(after.routes).some((route) => /[0-9a-f]{8}-/.test(route))).toBe(false);
    expect(
      (after.requests.client_errors_by_status["404"] ?? 0) -
        (before.requests.client_errors_by_status["404"] ?? 0),
    ).toBe(2);
    expect(
      (after.requests.client_errors_by_status["401"] ?? 0) -
        (before.requests.client_errors_by_status["401"] ?? 0),
    ).toBe(1);
    expect(after.errors.count - before.errors.count).toBe(1);
    expect(after.routes["GET /trigger-error"]?.errors).toBeGreaterThanOrEqual(1);
    expect(after.errors.last).toMatchObject({ type: "SimulatedException", route: "GET /trigger-error" });
    expect(after.errors.last?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.now() - Date.parse(after.errors.last?.at ?? "")).toBeLessThan(60_000);
    expect(after.requests.total - before.requests.total).toBe(8);
    expect(after.windows["1m"]?.requests).toBeGreaterThanOrEqual(8);
  });

  it("reports platform, environment and dependency health", async () => {
    const stats = await readStats();
    expect(stats.environment).toMatch(/^(test|ci)$/);
    expect(stats.platform).toMatchObject({ runtime: "workerd", compatibility_date: COMPATIBILITY_DATE });
    expect(stats.database.healthy).toBe(true);
    expect(stats.cache.kv.healthy).toBe(true);
    // One probe serves /health/ready and /stats: latency to a tenth of a millisecond.
    const tenths = (ms: number) => Math.round(ms * 10) / 10;
    expect(stats.database.latency_ms).toBe(tenths(stats.database.latency_ms));
  });

  it("gives percentiles within the histogram's 2% error", async () => {
    const delta = emptyAggregate();
    const route = `/synthetic-${crypto.randomUUID().slice(0, 6)}`;
    const durations = Array.from({ length: 1000 }, (_, i) => i + 1);
    for (const durationMs of durations)
      addSample(delta, { route, method: "GET", status: 200, durationMs, at: Date.now() });
    await env.STATS.getByName("stats-0").record(delta);
    const latency = (await readStats()).routes[`GET ${route}`]?.latency_ms;
    const exact = (q: number) => durations[Math.ceil(q * durations.length) - 1] as number;
    for (const [key, q] of [
      ["p50", 0.5],
      ["p99", 0.99],
    ] as const) {
      expect(Math.abs((latency?.[key] ?? 0) - exact(q)) / exact(q)).toBeLessThanOrEqual(
        RELATIVE_ACCURACY + 0.001,
      );
    }
    expect(latency?.max).toBe(1000);
  });

  it("keeps its data when the Durable Object is evicted", async () => {
    const delta = emptyAggregate();
    const route = `/evicted-${crypto.randomUUID().slice(0, 6)}`;
    addSample(delta, {
      route,
      method: "POST",
      status: 503,
      durationMs: 12,
      at: Date.now(),
      errorType: "boom",
    });
    const stub = env.STATS.getByName("stats-0");
    await stub.record(delta);
    await evictDurableObject(stub);
    const stats = await readStats();
    expect(stats.routes[`POST ${route}`]).toMatchObject({ requests: 1, errors: 1 });
  });

  it("keeps its count of received flushes when the Durable Object is evicted (it used to restart at 0)", async () => {
    const stub = env.STATS.getByName(`flushes-${crypto.randomUUID()}`);
    await stub.record(emptyAggregate());
    await stub.record(emptyAggregate());
    expect((await stub.snapshot()).flushes).toBe(2);
    await evictDurableObject(stub);
    expect((await stub.snapshot()).flushes).toBe(2);
    await stub.record(emptyAggregate());
    expect((await stub.snapshot()).flushes).toBe(3);
  });

  it("merges every shard when STATS_SHARDS > 1", async () => {
    const routes = [1, 2].map((shard) => `/shard-${shard}-${crypto.randomUUID().slice(0, 6)}`);
    for (const [index, route] of routes.entries()) {
      const delta = emptyAggregate();
      addSample(delta, { route, method: "GET", status: 200, durationMs: 3, at: Date.now() });
      await env.STATS.getByName(`stats-${index + 1}`).record(delta);
    }
    const sharded = apiWithEnv({ STATS_SHARDS: "3" });
    const stats = (await (await sharded("/stats")).json()) as Stats;
    for (const route of routes) expect(stats.routes[`GET ${route}`]?.requests).toBe(1);
    const single = await readStats();
    for (const route of routes) expect(single.routes[`GET ${route}`]).toBeUndefined();
  });

  it("serves the Prometheus text format", async () => {
    await api("/health");
    const response = await api("/stats?format=prometheus");
    expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await response.text();
    expect(text).toContain("# TYPE devhub_requests_total counter");
    expect(text).toMatch(/devhub_requests_total\{method="GET",route="\/health"\} \d+/);
    expect(text).toMatch(
      /devhub_request_duration_ms\{method="GET",route="\/health",quantile="0.99"\} [\d.]+/,
    );
    expect(text).toMatch(/devhub_database_up 1/);
  });

  it("a throwing stats object never fails a request; its samples are counted as dropped", async () => {
    const broken = {
      getByName: () => ({
        record: () => Promise.reject(new Error("stats down")),
        snapshot: () => Promise.reject(new Error("stats down")),
      }),
    };
    const call = apiWithEnv({ STATS: broken });
    // A flush an earlier request scheduled would report (and reset) the dropped count mid-test.
    await vi.waitFor(() => expect(recorder.flushScheduled).toBe(false), { timeout: 5000 });
    await recorder.flush({ namespace: env.STATS, shards: 1 });
    const droppedBefore = recorder.droppedUnreported;
    const responses = await Promise.all([call("/health"), call("/health"), call("/nowhere")]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404]);
    expect(recorder.droppedUnreported - droppedBefore).toBeGreaterThanOrEqual(3);
    await expectProblem(await call("/stats"), 503, "dependency-unavailable");
    const stats = await readStats();
    expect(stats.dropped_samples).toBeGreaterThanOrEqual(3);
  });

  it("counts GitHub cache outcomes", async () => {
    const login = `r3-${crypto.randomUUID().slice(0, 8)}`;
    const before = await readStats();
    await api(`/github/users/${login}/repos`);
    await api(`/github/users/${login}/repos`);
    const after = await readStats();
    expect((after.cache.github.miss ?? 0) - (before.cache.github.miss ?? 0)).toBe(1);
    expect((after.cache.github.hit ?? 0) - (before.cache.github.hit ?? 0)).toBe(1);
    expect(after.cache.github.hit_ratio).toBeGreaterThan(0);
  });
});

describe("access by environment", () => {
  it("production: /stats is admin-only and /trigger-error is off", async () => {
    const production = apiWithEnv(asProduction());
    await expectProblem(await production("/stats"), 401, "unauthorized");
    const user = await registerUser();
    await expectProblem(
      await production("/stats", { headers: bearer(user.tokens.access_token) }),
      403,
      "forbidden",
    );
    const admin = await adminTokens();
    const ok = await production("/stats", { headers: bearer(admin.access_token) });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as Stats).environment).toBe("production");
    await expectProblem(
      await production("/trigger-error", { headers: bearer(admin.access_token) }),
      404,
      "not-found",
    );
  });

  it("staging: /trigger-error is admin-only; STATS_ACCESS=public opens /stats", async () => {
    const staging = apiWithEnv({ ENVIRONMENT: "staging", STATS_ACCESS: "public" });
    await expectProblem(await staging("/trigger-error"), 401, "unauthorized");
    const admin = await adminTokens();
    await expectProblem(
      await staging("/trigger-error", { headers: bearer(admin.access_token) }),
      500,
      "internal-error",
    );
    expect((await staging("/stats")).status).toBe(200);
  });
});

describe("/trigger-error kinds", () => {
  it.each([
    ["exception", "SimulatedException"],
    ["database", "DatabaseError"],
    ["upstream_timeout", "TimeoutError"],
  ])("?type=%s answers 500 and is recorded as %s", async (type, errorType) => {
    const problem = await expectProblem(await api(`/trigger-error?type=${type}`), 500, "internal-error");
    expect(problem.detail).toBeTruthy();
    const stats = await readStats();
    expect(stats.errors.last?.type).toBe(errorType);
  });
});
