import { toCsv } from "../../lib/csv.ts";
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
      const counts = question.choices.map((choice) => choice.votes ?? 0);
      const voters = question.voters ?? 0;
      const percents =
        question.kind === "single"
          ? largestRemainderPercentages(counts, voters)
          : simplePercentages(counts, voters);
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
      };
    }),
  };
}

export function resultsCsv(results: PollResults): string {
  const rows = results.questions.flatMap((question) =>
    question.choices.map((choice) => [
      results.title,
      question.prompt,
      choice.label,
      choice.votes,
      choice.percent.toFixed(1),
    ]),
  );
  return toCsv(["poll", "question", "choice", "votes", "percent"], rows);
}
