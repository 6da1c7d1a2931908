/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { UUID_PATTERN } from "../../lib/ids.ts";
import { buildResults } from "../polls/polls.results.ts";
import * as service from "../polls/polls.service.ts";
import { resultsAccess } from "../polls/polls.visibility.ts";
import { callerVoterKeys, readVoterCookie } from "../polls/polls.voter.ts";
import { AccountForms } from "./account.forms.tsx";
import { notFoundPage, renderPage } from "./layout.tsx";
import { LocalTime } from "./local-time.tsx";
import { pickedChoices } from "./poll.form-vote.ts";
import { PollInviteLinks } from "./poll.invites.tsx";
import { cookieBallotChoices } from "./poll.own-ballot.ts";
import { RankingFieldset, rankingFrom } from "./poll.ranking.tsx";
import { hiddenResultsMessage, PollResultsView } from "./poll.results.tsx";
import { PollShareLink } from "./poll.share.tsx";

/**
 * Outcomes of the plain form post, shown after its redirect. Only these fixed texts are
 * ever rendered from the query string: nothing a link carries is echoed into the page.
 */
const FORM_OUTCOMES: Record<string, string> = {
  voted: "Your vote was recorded.",
  "already-voted": "You have already voted in this poll; your ballot is unchanged.",
  "poll-closed": "This poll is closed; no more votes are accepted.",
  unauthorized: "This poll takes votes from signed-in accounts: sign in below (needs JavaScript).",
  created: "Your poll is ready. Share its link (below) with the people who should vote.",
  "validation-failed": "Please answer every question within its limits.",
  "ranking-invalid": "Please rank your choices 1, 2, 3… in order: each rank once, with no gaps.",
  "vote-limit-reached": "This network address has cast the maximum number of ballots for this poll.",
  "invalid-voter-cookie": "Your voter cookie was not valid; a new one has been set. Please vote again.",
  "rate-limited": "Too many votes from this network just now; please wait a minute and vote again.",
};

const VOTER_WORDS = {
  anonymous: "one vote per browser",
  authenticated: "signed-in voters only",
  invited: "by invitation only",
} as const;

/**
 * GET /p/:id — the poll for people. Rendered as this browser's voter cookie sees it (a bearer
 * token lives in the tab, out of the server's sight): a browser that voted gets the form
 * disabled and, where the poll allows, the results. The script then asks the API as this
 * browser/account and keeps the bars current.
 */
export async function pollPage(c: Context<AppEnv>) {
  const id = c.req.param("id") ?? "";
  // Without signing keys the API cannot verify the cookie either: the page renders as for a stranger.
  const cookie = c.var.config.signingKeys ? await readVoterCookie(c) : ({ state: "missing" } as const);
  const voterKeys = callerVoterKeys(undefined, cookie);
  const poll = UUID_PATTERN.test(id)
    ? await service.getPoll(c.var.db, id, voterKeys, { withCounts: true })
    : undefined;
  if (!poll) return notFoundPage(c, "Poll not found", "There is no poll at this address.");
  const publicResults = resultsAccess(poll, undefined) === "visible";
  const outcome =
    FORM_OUTCOMES[c.req.query("outcome") ?? ""] ??
    (poll.has_voted ? "You have voted in this poll." : undefined);
  const open = poll.status === "open";
  const needsAccount = poll.voters === "authenticated";
  // An invitation travels in the link's fragment and stays in the tab: the script shows the form.
  const needsInvite = poll.voters === "invited";
  // Answers a failed plain-form vote sent back: only ids of this poll's choices are used.
  const picked = pickedChoices(c.req.query("picked"));
  // What this browser voted, checked again on a return visit.
  const mine = await cookieBallotChoices(c, poll, cookie);
  return renderPage(
    c,
    {
      title: poll.title,
      scripts: [
        "/pages/common.js",
        "/pages/poll-ranking.js",
        "/pages/poll-runoff.js",
        "/pages/poll-ballot.js",
        "/pages/poll-invites.js",
        "/pages/poll.js",
      ],
    },
    <div
      id="poll"
      data-poll-id={poll.id}
      data-voters={poll.voters}
      data-visibility={poll.results_visibility}
      data-status={poll.status}
      data-closes-at={poll.closes_at ?? undefined}
      data-allow-vote-changes={String(poll.allow_vote_changes)}
    >
      <div class="heading">
        <h1>{poll.title}</h1>
        <p class="muted">
          <span id="poll-status">{open ? "Open" : "Closed"}</span>
          {poll.closes_at ? (
            <>
              {open ? " · closes " : " · closed "}
              <LocalTime iso={poll.closes_at} />
            </>
          ) : null}
          {" · started "}
          <LocalTime iso={poll.created_at} />
          {" · "}
          {VOTER_WORDS[poll.voters]}
        </p>
      </div>
      {poll.description ? <p class="description">{poll.description}</p> : null}
      <p id="message" role="status" class={outcome ? "notice" : "notice empty"}>
        {outcome ?? ""}
      </p>
      <div class="grid two">
        <section class="card" aria-labelledby="h-vote">
          <h2 id="h-vote">Vote</h2>
          {open && needsAccount ? (
            <p id="vote-needs-account">
              Voting here needs an account: <a href="#account">sign in or create one below</a>, it takes a few
              seconds.<span class="no-js"> (Signing in on this page needs JavaScript.)</span>
            </p>
          ) : null}
          {open && needsInvite ? (
            <p id="vote-needs-invite">
              This poll is by invitation: open the invite link its owner sent you to vote here.
              <span class="no-js"> (Voting by invitation needs JavaScript.)</span>
            </p>
          ) : null}
          {open ? (
            <form
              id="vote"
              method="post"
              action={`/polls/${poll.id}/ballot`}
              class="stack"
              hidden={needsAccount || needsInvite}
              data-needs-account={needsAccount ? "" : undefined}
              data-needs-invite={needsInvite ? "" : undefined}
            >
              {poll.questions.map((question) =>
                question.kind === "ranked" ? (
                  <RankingFieldset
                    question={question}
                    ranking={rankingFrom(question, picked.size ? picked : mine)}
                    own={rankingFrom(question, mine)}
                    disabled={poll.has_voted}
                  />
                ) : (
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
                          checked={picked.has(choice.id) || mine.has(choice.id)}
                          disabled={poll.has_voted}
                        />{" "}
                        {choice.label}
                      </label>
                    ))}
                  </fieldset>
                ),
              )}
              <p class="actions">
                <button type="submit" id="submit-vote" disabled={poll.has_voted}>
                  Vote
                </button>
                {/* Shown by the script once votes/mine says the ballot may still change. */}
                <button type="submit" id="change-vote" hidden>
                  Change my vote
                </button>
                <button type="button" id="withdraw-vote" class="secondary" hidden>
                  Withdraw my vote
                </button>
              </p>
              {poll.allow_vote_changes ? null : (
                <p id="vote-final" class="muted">
                  Votes in this poll are final: they cannot be changed or withdrawn once cast.
                </p>
              )}
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
      <PollShareLink url={new URL(`/p/${poll.id}`, c.req.url).href} />
      {needsInvite ? <PollInviteLinks /> : null}
      <AccountForms
        intro={
          needsAccount
            ? "This poll takes votes from signed-in accounts."
            : needsInvite
              ? "Optional: the poll's owner signs in here to invite voters and get the CSV."
              : "Optional: sign in to vote with your account (and, as the owner, to get the CSV)."
        }
      />
    </div>,
  );
}
