import { describe, expect, it } from "vitest";
import { addSample, emptyAggregate, mergeAggregate } from "../../src/stats/aggregate.ts";
import {
  addValue,
  type Histogram,
  mergeInto,
  quantile,
  RELATIVE_ACCURACY,
} from "../../src/stats/histogram.ts";

function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] as number;
}

/** A seeded generator, so a failure is reproducible. */
function lcg(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1664525 + 1013904223) % 2 ** 32;
    return state / 2 ** 32;
  };
}

describe("log-linear histogram", () => {
  it.each([1, 2, 3, 4, 5])("keeps every quantile within 2%% of the exact value (seed %i)", (seed) => {
    const random = lcg(seed);
    // Latency-like data: a log-normal body with a long tail, from 0.05 ms to ~20 s.
    const values = Array.from(
      { length: 20_000 },
      () => Math.exp(random() * 6 - 1) * (random() < 0.02 ? 40 : 1),
    );
    const histogram: Histogram = {};
    for (const value of values) addValue(histogram, value);
    for (const q of [0.5, 0.9, 0.95, 0.99, 0.999]) {
      const exact = exactQuantile(values, q);
      expect(Math.abs(quantile(histogram, q) - exact) / exact, `q=${q}`).toBeLessThanOrEqual(
        RELATIVE_ACCURACY + 1e-9,
      );
    }
  });

  it("merges: the quantiles of merged halves equal those of the whole", () => {
    const random = lcg(9);
    const values = Array.from({ length: 5000 }, () => random() * 300);
    const whole: Histogram = {};
    const a: Histogram = {};
    const b: Histogram = {};
    values.forEach((value, index) => {
      addValue(whole, value);
      addValue(index % 2 ? a : b, value);
    });
    mergeInto(a, b);
    for (const q of [0.5, 0.99]) expect(quantile(a, q)).toBe(quantile(whole, q));
  });

  it("aggregates merge by addition and keep the newest last error", () => {
    const x = emptyAggregate();
    const y = emptyAggregate();
    addSample(x, { route: "/a", method: "GET", status: 500, durationMs: 5, at: 1_000_000, errorType: "Old" });
    addSample(y, { route: "/a", method: "GET", status: 404, durationMs: 7, at: 2_000_000 });
    addSample(y, { route: "/b", method: "GET", status: 503, durationMs: 9, at: 3_000_000, errorType: "New" });
    mergeAggregate(x, y, Number.POSITIVE_INFINITY);
    expect(x.total).toMatchObject({ count: 3, errors: 2, max: 9 });
    expect(x.routes["GET /a"]?.count).toBe(2);
    expect(x.statusCodes).toEqual({ 500: 1, 404: 1, 503: 1 });
    expect(x.lastError?.type).toBe("New");
  });
});
