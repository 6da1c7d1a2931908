/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { UUID_PATTERN } from "../../lib/ids.ts";
import { GITHUB_LOGIN } from "../github/github.schemas.ts";
import { renderPage } from "./layout.tsx";

/** A one-field GET form; the server turns `?username=` / `?poll=` into the page's own address. */
export function LookupForm(props: {
  action: string;
  name: string;
  label: string;
  hint: string;
  button: string;
  value?: string;
  error?: string;
}) {
  const hintId = `${props.name}-hint`;
  const errorId = `${props.name}-error`;
  return (
    <search>
      <form class="lookup" method="get" action={props.action}>
        <label for={props.name}>{props.label}</label>
        <div class="lookup-row">
          <input
            id={props.name}
            name={props.name}
            type="text"
            value={props.value ?? ""}
            autocomplete="off"
            autocapitalize="none"
            spellcheck={false}
            required
            aria-describedby={props.error ? `${hintId} ${errorId}` : hintId}
            aria-invalid={props.error ? "true" : undefined}
          />
          <button type="submit">{props.button}</button>
        </div>
        <p id={hintId} class="muted">
          {props.hint}
        </p>
        {props.error ? (
          <p id={errorId} class="error" role="alert">
            {props.error}
          </p>
        ) : null}
      </form>
    </search>
  );
}

/** GET /gh — a username box; `?username=x` goes to /gh/x (so the form works without script). */
export function githubLookupPage(c: Context<AppEnv>) {
  const asked = (c.req.query("username") ?? "").trim().replace(/^@/, "");
  if (asked && GITHUB_LOGIN.test(asked)) return c.redirect(`/gh/${encodeURIComponent(asked)}`, 303);
  const error = asked
    ? "A GitHub username has 1–39 letters, digits or single hyphens, and does not start or end with a hyphen."
    : undefined;
  return renderPage(
    c,
    { title: "GitHub dashboard", current: "/gh" },
    <section class="card narrow" aria-labelledby="h-gh">
      <h1 id="h-gh">GitHub dashboard</h1>
      <p>
        Anyone's public GitHub profile and repositories: totals, a language chart and a table you can sort and
        filter. Answers are cached here for a few minutes, so a second look is instant.
      </p>
      <LookupForm
        action="/gh"
        name="username"
        label="GitHub username"
        hint="For example octocat or torvalds."
        button="Show profile"
        value={asked.slice(0, 60)}
        error={error}
      />
      <p class="muted">
        The same data as JSON: <code>GET /github/users/{"{username}"}</code> and{" "}
        <code>GET /github/users/{"{username}"}/repos</code>.
      </p>
    </section>,
    error ? 422 : 200,
  );
}

/** GET /p — what polls are and how to open one; `?poll=<id or link>` goes to /p/<id>. */
export function pollsIntroPage(c: Context<AppEnv>) {
  const asked = (c.req.query("poll") ?? "").trim();
  const id = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.exec(asked)?.[0];
  if (id && UUID_PATTERN.test(id)) return c.redirect(`/p/${id.toLowerCase()}`, 303);
  const error = asked ? "That is not a poll id or a poll link (they look like /p/3f2b…-…)." : undefined;
  return renderPage(
    c,
    { title: "Polls", current: "/p" },
    <section class="card narrow" aria-labelledby="h-polls">
      <h1 id="h-polls">Polls</h1>
      <p>
        A poll asks one or more questions, each with single or multiple choice. Votes are counted exactly once
        per voter, even when many arrive at the same moment, and the results on a poll's page update live.
      </p>
      <LookupForm
        action="/p"
        name="poll"
        label="Poll link or id"
        hint="Paste the link you were sent, or just its id."
        button="Open poll"
        value={asked.slice(0, 200)}
        error={error}
      />
      <h2>Start a poll</h2>
      <p>
        <a href="/p/new">Create a poll</a> on a page: sign in or create an account there, write a question and
        its options, and share the link you get.
      </p>
      <p class="muted">
        From a program: <code>POST /polls</code> as a signed-in account (several questions per poll); the
        answer's <code>id</code> is the poll's address, <code>/p/{"{id}"}</code>. The{" "}
        <a href="/docs#/Polls">API reference</a> shows every field.
      </p>
    </section>,
    error ? 422 : 200,
  );
}
