/** @jsxImportSource hono/jsx */
import type { PollResults } from "../polls/polls.schemas.ts";
import { RunoffView } from "./poll.runoff.tsx";

/**
 * Results as labelled <meter> bars: they need no inline style (the CSP forbids it) and
 * screen readers announce each as "label: N votes, P%". public/pages/poll.js builds the
 * same markup when results change, so the two must stay in step.
 */
export function PollResultsView({ results }: { results: PollResults }) {
  return (
    <div class="results">
      <p class="muted">
        <span data-total>{results.total_voters}</span> {results.total_voters === 1 ? "voter" : "voters"}
      </p>
      {results.questions.map((question) => (
        <section class="result" data-question={question.id}>
          <h3>{question.prompt}</h3>
          <ul class="plain">
            {question.choices.map((choice) => {
              const summary = `${choice.votes} ${choice.votes === 1 ? "vote" : "votes"}, ${choice.percent}%`;
              return (
                <li data-choice={choice.id}>
                  <span class="label">{choice.label}</span>
                  <meter
                    min={0}
                    max={100}
                    value={choice.percent}
                    aria-label={`${choice.label}: ${summary}`}
                  />
                  <span class="count">{summary}</span>
                </li>
              );
            })}
          </ul>
          {/* A ranked question: its bars are first preferences; the runoff decides. */}
          {question.ranked ? <RunoffView question={question} /> : null}
        </section>
      ))}
    </div>
  );
}

/** The reason results are not shown yet, worded for a person. */
export function hiddenResultsMessage(visibility: "always" | "after_vote" | "after_close"): string {
  return visibility === "after_close"
    ? "Results are shown once the poll closes."
    : "Results are shown after you vote.";
}
