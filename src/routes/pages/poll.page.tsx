/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { UUID_PATTERN } from "../../lib/ids.ts";
import { buildResults } from "../polls/polls.results.ts";
import * as service from "../polls/polls.service.ts";
import { notFoundPage, renderPage } from "./layout.tsx";
import { hiddenResultsMessage, PollResultsView } from "./poll.results.tsx";

/**
 * Outcomes of the plain form post, shown after its redirect. Only these fixed texts are
 * ever rendered from the query string: nothing a link carries is echoed into the page.
 */
const FORM_OUTCOMES: Record<string, string> = {
  voted: "Your vote was recorded.",
  "already-voted": "You have already voted in this poll; your ballot is unchanged.",
  "poll-closed": "This poll is closed; no more votes are accepted.",
  unauthorized: "This poll takes votes from signed-in accounts: sign in above (needs JavaScript).",
  "validation-failed": "Please answer every question within its limits.",
  "vote-limit-reached": "This network address has cast the maximum number of ballots for this poll.",
  "invalid-voter-cookie": "Your voter cookie was not valid; a new one has been set. Please vote again.",
  "rate-limited": "Too many votes from this network just now; please wait a minute and vote again.",
};

/**
 * GET /p/:id — the poll for people. Rendered without knowing the voter (the voter cookie is
 * scoped to /polls), so results are inlined only when anyone may see them; the script then
 * asks the API as this browser/account and keeps the bars current.
 */
export async function pollPage(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  const poll = UUID_PATTERN.test(id)
    ? await service.getPoll(c.var.db, id, [], { withCounts: true })
    : undefined;
  if (!poll) return notFoundPage(c, "Poll not found", "There is no poll at this address.");
  const publicResults =
    poll.results_visibility === "always" ||
    (poll.results_visibility === "after_close" && poll.status === "closed");
  const outcome = FORM_OUTCOMES[c.req.query("outcome") ?? ""];
  const open = poll.status === "open";
  return renderPage(
    c,
    { title: poll.title, scripts: ["/pages/common.js", "/pages/poll.js"] },
    <div
      id="poll"
      data-poll-id={poll.id}
      data-voters={poll.voters}
      data-visibility={poll.results_visibility}
      data-status={poll.status}
    >
      <div class="heading">
        <h1>{poll.title}</h1>
        <p class="muted">
          <span id="poll-status">{open ? "Open" : "Closed"}</span>
          {poll.closes_at && open ? ` · closes ${poll.closes_at.replace("T", " ").slice(0, 16)} UTC` : ""}
          {" · "}
          {poll.voters === "anonymous" ? "one vote per browser" : "signed-in voters only"}
        </p>
      </div>
      {poll.description ? <p class="description">{poll.description}</p> : null}
      <p id="message" role="status" class={outcome ? "notice" : "notice empty"}>
        {outcome ?? ""}
      </p>
      <div class="grid two">
        <section class="card" aria-labelledby="h-vote">
          <h2 id="h-vote">Vote</h2>
          {open ? (
            <form id="vote" method="post" action={`/polls/${poll.id}/ballot`} class="stack">
              {poll.questions.map((question) => (
                <fieldset data-question={question.id} data-kind={question.kind}>
                  <legend>
                    {question.prompt}
                    {question.kind === "multiple" ? (
                      <span class="muted"> (up to {question.max_selections})</span>
                    ) : null}
                  </legend>
                  {question.choices.map((choice) => (
                    <label class="choice">
                      <input
                        type={question.kind === "single" ? "radio" : "checkbox"}
                        name={`q.${question.id}`}
                        value={choice.id}
                        required={question.kind === "single"}
                      />{" "}
                      {choice.label}
                    </label>
                  ))}
                </fieldset>
              ))}
              <button type="submit" id="submit-vote">
                Vote
              </button>
            </form>
          ) : (
            <p>This poll is closed.</p>
          )}
        </section>
        <section class="card" aria-labelledby="h-results">
          <h2 id="h-results">Results</h2>
          <div
            id="results"
            aria-live="polite"
            data-hidden-message={hiddenResultsMessage(poll.results_visibility)}
          >
            {publicResults ? (
              <PollResultsView results={buildResults(poll)} />
            ) : (
              <p class="muted">{hiddenResultsMessage(poll.results_visibility)}</p>
            )}
          </div>
          <p id="live-status" class="muted" role="status" hidden />
          <p>
            <a id="csv" href={`/polls/${poll.id}/results.csv`} hidden>
              Download results as CSV
            </a>
          </p>
        </section>
      </div>
      <section class="card" id="account" hidden aria-labelledby="h-account">
        <h2 id="h-account">Account</h2>
        <p class="muted">
          {poll.voters === "anonymous"
            ? "Optional: sign in to vote with your account (and, as the owner, to get the CSV)."
            : "This poll takes votes from signed-in accounts."}
        </p>
        <p id="signed-in" hidden>
          Signed in.{" "}
          <button type="button" id="sign-out">
            Sign out
          </button>
        </p>
        <form id="sign-in" class="stack">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required />
          <button type="submit">Sign in</button>
        </form>
      </section>
    </div>,
  );
}
