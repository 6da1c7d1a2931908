import { toCsv } from "../../lib/csv.ts";
import type { RankedResult, RankedRound } from "./polls.irv.schemas.ts";
import { instantRunoff } from "./polls.irv.ts";
import { largestRemainderPercentages, simplePercentages } from "./polls.percentages.ts";
import type { PollResults } from "./polls.schemas.ts";
import type { PollRead } from "./polls.service.ts";

/**
 * Shares are of the question's voters. Single-choice shares sum to exactly 100.0 (largest
 * remainder); multiple-choice shares are independent (a voter may back several choices).
 */
export function buildResults(poll: PollRead): PollResults {
  return {
    poll_id: poll.id,
    title: poll.title,
    status: poll.status,
    total_voters: poll.total_voters,
    questions: poll.questions.map((question) => {
      const voters = question.voters ?? 0;
      const ranked =
        question.kind === "ranked"
          ? instantRunoff(
              question.choices.map((choice) => choice.id),
              (question.rankings ?? []).map(({ ranking, ballots }) => ({
                ranking,
                ballots: Number(ballots),
              })),
            )
          : undefined;
      // A ranked question's votes are its first preferences (one per ballot, like `single`).
      const firstRound = new Map(ranked?.rounds[0]?.counts.map((count) => [count.choice_id, count.votes]));
      const counts = question.choices.map((choice) =>
        ranked ? (firstRound.get(choice.id) ?? 0) : (choice.votes ?? 0),
      );
      const percents =
        question.kind === "multiple"
          ? simplePercentages(counts, voters)
          : largestRemainderPercentages(counts, voters);
      return {
        id: question.id,
        prompt: question.prompt,
        kind: question.kind,
        voters,
        choices: question.choices.map((choice, index) => ({
          id: choice.id,
          label: choice.label,
          votes: counts[index] ?? 0,
          percent: percents[index] ?? 0,
        })),
        ...(ranked && { ranked }),
      };
    }),
  };
}

/**
 * One row per choice. A ranked question instead gets one row per choice per instant-runoff
 * round, plus a row of exhausted ballots per round (empty `choice`), with two more columns:
 * `round` and `outcome` (`continuing`, `eliminated`, `winner`, `tied`, `exhausted`); `percent` is
 * of that round's continuing ballots. Polls without ranked questions keep the five columns.
 */
export function resultsCsv(results: PollResults): string {
  const hasRanked = results.questions.some((question) => question.ranked);
  const rows = results.questions.flatMap((question) => {
    if (question.ranked) return rankedRows(results.title, question);
    const rows = question.choices.map((choice) => [
      results.title,
      question.prompt,
      choice.label,
      choice.votes,
      choice.percent.toFixed(1),
    ]);
    return hasRanked ? rows.map((row) => [...row, "", ""]) : rows;
  });
  const header = ["poll", "question", "choice", "votes", "percent"];
  return toCsv(hasRanked ? [...header, "round", "outcome"] : header, rows);
}

type ResultsQuestion = PollResults["questions"][number];

function rankedRows(title: string, question: ResultsQuestion): Array<Array<string | number>> {
  const ranked = question.ranked as RankedResult;
  const labels = new Map(question.choices.map((choice) => [choice.id, choice.label]));
  const outcomeOf = (choiceId: string, round: RankedRound) => {
    if (round.eliminated === choiceId) return "eliminated";
    if (ranked.winner === choiceId && round === ranked.rounds.at(-1)) return "winner";
    if (ranked.tied.includes(choiceId) && round === ranked.rounds.at(-1)) return "tied";
    return "continuing";
  };
  return ranked.rounds.flatMap((round) => {
    const percents = largestRemainderPercentages(
      round.counts.map((count) => count.votes),
      round.continuing_ballots,
    );
    return [
      ...round.counts.map((count, index) => [
        title,
        question.prompt,
        labels.get(count.choice_id) ?? "",
        count.votes,
        (percents[index] ?? 0).toFixed(1),
        round.round,
        outcomeOf(count.choice_id, round),
      ]),
      [title, question.prompt, "", round.exhausted_ballots, "", round.round, "exhausted"],
    ];
  });
}
