import { describe, expect, it } from "vitest";
import { instantRunoff } from "../../src/routes/polls/polls.irv.ts";

const round = (result: ReturnType<typeof instantRunoff>) =>
  result.rounds.map((r) => ({
    counts: Object.fromEntries(r.counts.map((count) => [count.choice_id, count.votes])),
    exhausted: r.exhausted_ballots,
    eliminated: r.eliminated,
    tie_break: r.tie_break,
  }));

describe("instantRunoff", () => {
  it("elects the runoff winner over the plurality leader", () => {
    const result = instantRunoff(
      ["a", "b", "c"],
      [
        { ranking: ["a"], ballots: 40 },
        { ranking: ["b", "c"], ballots: 35 },
        { ranking: ["c", "b"], ballots: 25 },
      ],
    );
    expect(round(result)).toEqual([
      { counts: { a: 40, b: 35, c: 25 }, exhausted: 0, eliminated: "c", tie_break: null },
      { counts: { a: 40, b: 60 }, exhausted: 0, eliminated: null, tie_break: null },
    ]);
    expect(result).toMatchObject({ outcome: "winner", winner: "b", tied: [] });
  });

  it("elects a first-round majority without further rounds", () => {
    const result = instantRunoff(
      ["a", "b"],
      [
        { ranking: ["b", "a"], ballots: 3 },
        { ranking: ["a"], ballots: 2 },
      ],
    );
    expect(result.rounds).toHaveLength(1);
    expect(result.winner).toBe("b");
  });

  it("settles a tie for fewest by the earlier rounds, the latest first", () => {
    // Round 1: a 5, b 4, c 3, d 3 → tie c/d, no earlier round → d (listed last) goes.
    // Round 2: d's ballots rank b next → a 5, b 7, c 3 → c goes; round 3: a 8, b 7 → a.
    const result = instantRunoff(
      ["a", "b", "c", "d"],
      [
        { ranking: ["a"], ballots: 5 },
        { ranking: ["b"], ballots: 4 },
        { ranking: ["c", "a"], ballots: 3 },
        { ranking: ["d", "b"], ballots: 3 },
      ],
    );
    expect(round(result).map((r) => [r.eliminated, r.tie_break])).toEqual([
      ["d", "position"],
      ["c", null],
      [null, null],
    ]);
    expect(result.winner).toBe("a");
    // Round 2 tie a/b at 4, broken by round 1 where b had fewer.
    const earlier = instantRunoff(
      ["a", "b", "c", "d"],
      [
        { ranking: ["a"], ballots: 4 },
        { ranking: ["b"], ballots: 3 },
        { ranking: ["d", "b"], ballots: 1 },
        { ranking: ["c"], ballots: 6 },
      ],
    );
    expect(round(earlier).map((r) => [r.counts, r.eliminated, r.tie_break])).toEqual([
      [{ a: 4, b: 3, c: 6, d: 1 }, "d", null],
      [{ a: 4, b: 4, c: 6 }, "b", "earlier_rounds"],
      [{ a: 4, c: 6 }, null, null],
    ]);
    expect(earlier.winner).toBe("c");
  });

  it("reports exhausted ballots and a final tie", () => {
    const result = instantRunoff(
      ["a", "b", "c"],
      [
        { ranking: ["a"], ballots: 2 },
        { ranking: ["b"], ballots: 2 },
        { ranking: ["c"], ballots: 1 },
      ],
    );
    expect(round(result)).toEqual([
      { counts: { a: 2, b: 2, c: 1 }, exhausted: 0, eliminated: "c", tie_break: null },
      { counts: { a: 2, b: 2 }, exhausted: 1, eliminated: null, tie_break: null },
    ]);
    expect(result).toMatchObject({ outcome: "tie", winner: null, tied: ["a", "b"] });
  });

  it("has no winner without ballots, and elects the last choice standing", () => {
    expect(instantRunoff(["a", "b"], [])).toMatchObject({ outcome: "no_ballots", winner: null });
    expect(instantRunoff(["a", "b"], [{ ranking: ["a"], ballots: 1 }])).toMatchObject({ winner: "a" });
  });
});
