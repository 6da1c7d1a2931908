/** @jsxImportSource hono/jsx */
import type { PollRead } from "../polls/polls.service.ts";

type Question = PollRead["questions"][number];

/** How many choices a ranked question lets a voter rank (all, unless the poll says fewer). */
export const rankLimit = (question: Question) => question.max_selections ?? question.choices.length;

/**
 * The question's choice ids in the order `ids` lists them: a ballot's or a refused form's
 * answers keep a ranked question's choices first preference first (Sets keep insertion order).
 */
export const rankingFrom = (question: Question, ids: Set<string>) =>
  [...ids].filter((id) => question.choices.some((choice) => choice.id === id));

/**
 * A ranked question without script: per choice a labelled rank <select> ("Not ranked", 1…N),
 * posted as `r.<question id>.<choice id>` = rank (poll.form-vote.ts). Ranked choices come first,
 * in rank order. public/pages/poll-ranking.js adds the move buttons, the inline checks and the
 * voter's own ranking, and keeps the same markup.
 */
export function RankingFieldset({
  question,
  ranking,
  own,
  disabled,
}: {
  question: Question;
  /** Choice ids, first preference first: what the selects start from. */
  ranking: string[];
  /** The voter's counted ranking, shown as a list of its own (empty: none known to the server). */
  own: string[];
  disabled: boolean;
}) {
  const limit = rankLimit(question);
  const rankOf = (id: string) => {
    const at = ranking.indexOf(id);
    return at >= 0 && at < limit ? at + 1 : undefined;
  };
  const ordered = [...question.choices].sort(
    (a, b) => (rankOf(a.id) ?? Number.POSITIVE_INFINITY) - (rankOf(b.id) ?? Number.POSITIVE_INFINITY),
  );
  const labels = new Map(question.choices.map((choice) => [choice.id, choice.label]));
  const hint = `rank-hint-${question.id}`;
  return (
    <fieldset data-question={question.id} data-kind="ranked" data-max={limit} class="ranked">
      <legend>
        {question.prompt}
        <span class="muted"> (rank up to {limit})</span>
      </legend>
      <p id={hint} class="muted hint">
        Rank 1 is your first preference. Give up to {limit} choices a rank each (1, 2, 3… with no repeats or
        gaps) and leave the rest “Not ranked”.
      </p>
      <div class="own-ranking" hidden={own.length === 0}>
        <p>Your ranking:</p>
        <ol>
          {own.map((id) => (
            <li>{labels.get(id) ?? ""}</li>
          ))}
        </ol>
      </div>
      <ol class="ranking plain">
        {ordered.map((choice) => {
          const id = `rank-${question.id}-${choice.id}`;
          const rank = rankOf(choice.id);
          return (
            <li class="rank-row" data-choice={choice.id} data-position={question.choices.indexOf(choice)}>
              <label for={id}>{choice.label}</label>
              <select
                id={id}
                name={`r.${question.id}.${choice.id}`}
                aria-describedby={hint}
                disabled={disabled}
              >
                <option value="" selected={rank === undefined}>
                  Not ranked
                </option>
                {Array.from({ length: limit }, (_, index) => (
                  <option value={String(index + 1)} selected={rank === index + 1}>
                    {index + 1}
                  </option>
                ))}
              </select>
            </li>
          );
        })}
      </ol>
      <p id={`rank-error-${question.id}`} class="error field-error" hidden />
    </fieldset>
  );
}
