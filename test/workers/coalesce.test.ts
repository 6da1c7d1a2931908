import { describe, expect, it } from "vitest";
import { createCoalescer } from "../../src/lib/coalesce.ts";

const options = (patienceMs = 1000) => ({ waitUntil: () => undefined, patienceMs });
const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("coalescing by plain result", () => {
  it("runs the work once for concurrent callers and hands each the leader's value", async () => {
    const coalesce = createCoalescer<number>();
    let runs = 0;
    const work = () => {
      runs += 1;
      return later(30, 42);
    };
    expect(await Promise.all([1, 2, 3].map(() => coalesce("k", work, options())))).toEqual([42, 42, 42]);
    expect(runs).toBe(1);
  });

  it("hands the leader's error to every follower", async () => {
    const coalesce = createCoalescer<number>();
    const failing = () => later(20, 0).then(() => Promise.reject(new Error("upstream down")));
    const results = await Promise.allSettled([1, 2].map(() => coalesce("k", failing, options())));
    expect(results.map((result) => result.status)).toEqual(["rejected", "rejected"]);
  });

  it("a follower whose leader never finishes (its request ended) does the work itself after patienceMs", async () => {
    const coalesce = createCoalescer<string>();
    void coalesce("k", () => new Promise<string>(() => undefined), options(60));
    const started = Date.now();
    expect(await coalesce("k", async () => "own", options(60))).toBe("own");
    expect(Date.now() - started).toBeLessThan(1000);
    // Past its patience the stranded flight is no longer joined at all.
    expect(await coalesce("k", async () => "fresh", options(60))).toBe("fresh");
  });
});
