/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { AccountForms } from "./account.forms.tsx";
import { renderPage } from "./layout.tsx";

/** A group of radio buttons with a legend; the first option is checked. */
function Choices(props: { legend: string; name: string; options: Array<[value: string, label: string]> }) {
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.options.map(([value, label], index) => (
        <label class="choice">
          <input type="radio" name={props.name} value={value} checked={index === 0} /> {label}
        </label>
      ))}
    </fieldset>
  );
}

/**
 * GET /p/new — a poll from a page: one question (single or multiple choice), its options, an
 * optional closing time in the viewer's zone, who may vote and when results show.
 * public/pages/poll-new.js sends it to `POST /polls` as the signed-in account and opens the
 * new poll's page; more questions per poll are the API's. The form needs script (the account's
 * token lives in the tab), so without it the page says so and shows the API way.
 */
export function newPollPage(c: Context<AppEnv>) {
  return renderPage(
    c,
    { title: "New poll", current: "/p", scripts: ["/pages/common.js", "/pages/poll-new.js"] },
    <div>
      <div class="heading">
        <h1>New poll</h1>
        <p class="muted">Ask a question, share the link, watch the answers arrive.</p>
      </div>
      <p class="notice no-js">
        Creating a poll on this page needs JavaScript (your sign-in is kept in this browser tab). Without it,
        send <code>POST /polls</code> as described in the <a href="/docs#/Polls">API reference</a>.
      </p>
      <AccountForms intro="Polls belong to an account: sign in, or create one here in a few seconds." />
      <form id="new-poll" class="card stack" hidden novalidate>
        <p id="new-poll-message" class="notice empty" role="status" />
        <label for="title">Title</label>
        <input id="title" name="title" type="text" maxlength={200} required />
        <label for="description">Description (optional)</label>
        <textarea id="description" name="description" rows={2} maxlength={2000} />
        <label for="prompt">Question</label>
        <input id="prompt" name="prompt" type="text" maxlength={500} required />
        <Choices
          legend="Answers"
          name="kind"
          options={[
            ["single", "One choice per voter"],
            ["multiple", "Several choices per voter"],
          ]}
        />
        <label for="choices">Options, one per line (2 to 20)</label>
        <textarea id="choices" name="choices" rows={4} required aria-describedby="choices-hint" />
        <p id="choices-hint" class="muted">
          For example: Tuesday, Wednesday, Thursday, each on its own line.
        </p>
        <label for="closes-at">Closes at (optional)</label>
        <input id="closes-at" name="closes_at" type="datetime-local" aria-describedby="closes-hint" />
        <p id="closes-hint" class="muted">
          In your time zone. Leave empty to keep the poll open.
        </p>
        <Choices
          legend="Who can vote"
          name="voters"
          options={[
            ["anonymous", "Anyone with the link (one vote per browser)"],
            ["authenticated", "Signed-in accounts only (one vote per account)"],
          ]}
        />
        <Choices
          legend="Who sees the results, and when"
          name="results_visibility"
          options={[
            ["always", "Everyone, at any time"],
            ["after_vote", "Each voter, once they have voted"],
            ["after_close", "Everyone, once the poll closes"],
          ]}
        />
        <button type="submit" id="create-poll">
          Create poll
        </button>
      </form>
    </div>,
  );
}
