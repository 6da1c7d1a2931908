/** @jsxImportSource hono/jsx */
import type { RankedResult } from "../polls/polls.irv.schemas.ts";
import type { PollResults } from "../polls/polls.schemas.ts";

type Question = PollResults["questions"][number];

const TIE_BREAK_WORDS = {
  earlier_rounds: "by the earlier rounds' counts",
  position: "by the choices' order (the one listed last was dropped)",
} as const;

/** The count's outcome in one sentence (public/pages/poll-runoff.js words it the same). */
function runoffOutcome(ranked: RankedResult, label: (id: string) => string): string {
  const last = ranked.rounds.at(-1);
  if (ranked.outcome === "no_ballots") return "No ballots yet: no winner.";
  if (ranked.outcome === "tie")
    return `Tie between ${ranked.tied.map(label).join(" and ")} after round ${last?.round}: no winner.`;
  const votes = last?.counts.find((count) => count.choice_id === ranked.winner)?.votes ?? 0;
  return `Winner: ${label(ranked.winner ?? "")}, with ${votes} of ${last?.continuing_ballots} continuing ballots in round ${last?.round}.`;
}

/** The caption: the tie-break rule, and how the API reports each tie it settled. */
function runoffCaption(ranked: RankedResult): string {
  const settled = ranked.rounds
    .filter((round) => round.tie_break)
    .map(
      (round) =>
        `Round ${round.round}: a tie for fewest was settled ${TIE_BREAK_WORDS[round.tie_break ?? "position"]}.`,
    );
  return [
    "Instant-runoff rounds. A tie for fewest votes is settled by the earlier rounds' counts, then by the choices' order.",
    ...(settled.length ? settled : ["No tie needed settling."]),
  ].join(" ");
}

/**
 * A ranked question's instant-runoff count: the outcome in words, then the rounds as a table
 * (round, votes per choice, exhausted ballots, the choice dropped). public/pages/poll-runoff.js
 * builds the same markup when results change, so the two must stay in step.
 */
export function RunoffView({ question }: { question: Question }) {
  const ranked = question.ranked as RankedResult;
  const labels = new Map(question.choices.map((choice) => [choice.id, choice.label]));
  const label = (id: string) => labels.get(id) ?? "";
  const caption = `runoff-${question.id}`;
  return (
    <div class="runoff" data-outcome={ranked.outcome}>
      <p class="runoff-outcome">{runoffOutcome(ranked, label)}</p>
      <section class="runoff-scroll" tabindex={0} aria-labelledby={caption}>
        <table>
          <caption id={caption}>{runoffCaption(ranked)}</caption>
          <thead>
            <tr>
              <th scope="col">Round</th>
              {question.choices.map((choice) => (
                <th scope="col">{choice.label}</th>
              ))}
              <th scope="col">Exhausted</th>
              <th scope="col">Eliminated</th>
            </tr>
          </thead>
          <tbody>
            {ranked.rounds.map((round) => {
              const votes = new Map(round.counts.map((count) => [count.choice_id, count.votes]));
              return (
                <tr>
                  <th scope="row">{round.round}</th>
                  {question.choices.map((choice) => (
                    <td class="num">{votes.get(choice.id) ?? "—"}</td>
                  ))}
                  <td class="num">{round.exhausted_ballots}</td>
                  <td>{round.eliminated ? label(round.eliminated) : "—"}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </section>
    </div>
  );
}
