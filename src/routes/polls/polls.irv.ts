/**
 * Instant-runoff voting over ranking counts: a pure function of "how many ballots ranked the
 * choices in exactly this order", so the count costs O(distinct rankings × rounds), whatever
 * the number of ballots. The rule is stated in RankedResultSchema (polls.irv.schemas.ts).
 */
import type { RankedResult, RankedRound } from "./polls.irv.schemas.ts";

export interface RankingCount {
  /** Choice ids, first preference first. */
  ranking: string[];
  ballots: number;
}

/**
 * @param choices the question's choice ids in its order (the last resort of the tie-break).
 * @example
 * instantRunoff(["a", "b", "c"], [{ ranking: ["a"], ballots: 4 }, { ranking: ["c", "b"], ballots: 3 }, { ranking: ["b"], ballots: 2 }])
 * // round 1: a 4, b 2, c 3 → b dropped; round 2: a 4, c 3, 2 exhausted → a wins (4 of 7)
 */
export function instantRunoff(choices: string[], rankings: RankingCount[]): RankedResult {
  const continuing = new Set(choices);
  const rounds: RankedRound[] = [];
  const history: Array<Map<string, number>> = [];
  for (;;) {
    const votes = new Map(choices.filter((id) => continuing.has(id)).map((id) => [id, 0]));
    let exhausted = 0;
    for (const { ranking, ballots } of rankings) {
      const top = ranking.find((id) => continuing.has(id));
      if (top === undefined) exhausted += ballots;
      else votes.set(top, (votes.get(top) ?? 0) + ballots);
    }
    history.push(votes);
    const continuingBallots = [...votes.values()].reduce((sum, count) => sum + count, 0);
    const round: RankedRound = {
      round: rounds.length + 1,
      continuing_ballots: continuingBallots,
      exhausted_ballots: exhausted,
      counts: [...votes].map(([choice_id, count]) => ({ choice_id, votes: count })),
      eliminated: null,
      tie_break: null,
    };
    rounds.push(round);
    if (continuingBallots === 0) return { outcome: "no_ballots", winner: null, tied: [], rounds };
    const leader = [...votes].find(([, count]) => count * 2 > continuingBallots);
    if (leader) return { outcome: "winner", winner: leader[0], tied: [], rounds };
    const counts = [...votes.values()];
    if (counts.every((count) => count === counts[0])) {
      return { outcome: "tie", winner: null, tied: [...votes.keys()], rounds };
    }
    const { choice, tieBreak } = toEliminate(votes, history, choices);
    round.eliminated = choice;
    round.tie_break = tieBreak;
    continuing.delete(choice);
  }
}

/**
 * The choice with the fewest votes; among several, the one with fewer in the round before,
 * then the round before that (back to round 1); then the one listed last.
 */
function toEliminate(
  votes: Map<string, number>,
  history: Array<Map<string, number>>,
  choices: string[],
): { choice: string; tieBreak: RankedRound["tie_break"] } {
  const fewest = Math.min(...votes.values());
  let tied = [...votes.keys()].filter((id) => votes.get(id) === fewest);
  if (tied.length === 1) return { choice: tied[0] as string, tieBreak: null };
  for (let round = history.length - 2; round >= 0; round -= 1) {
    const earlier = history[round] as Map<string, number>;
    const least = Math.min(...tied.map((id) => earlier.get(id) ?? 0));
    tied = tied.filter((id) => (earlier.get(id) ?? 0) === least);
    if (tied.length === 1) return { choice: tied[0] as string, tieBreak: "earlier_rounds" };
  }
  const last = tied.reduce((a, b) => (choices.indexOf(a) > choices.indexOf(b) ? a : b));
  return { choice: last, tieBreak: "position" };
}
