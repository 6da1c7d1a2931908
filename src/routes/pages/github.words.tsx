/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import type { CacheState } from "../../github-client/cache.ts";
import { UpstreamError } from "../../github-client/upstream.ts";
import type { ApiError } from "../../lib/problem.ts";
import { renderPage } from "./layout.tsx";
import { LookupForm } from "./lookup.pages.tsx";

/** "12 s", "5 min", "3 h": an age a person reads at a glance. */
export function humanAge(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** Where the figures on the page came from, in words (the cache state stays in data-state). */
export function freshnessText(state: CacheState, ageSeconds: number): string {
  const age = humanAge(ageSeconds);
  switch (state) {
    case "miss":
      return "Fetched from GitHub just now.";
    case "revalidated":
      return `Checked with GitHub just now: unchanged since ${age} ago.`;
    case "stale":
      return `GitHub could not be asked just now, so this is a saved copy from ${age} ago.`;
    default:
      return `Saved copy from ${age} ago (this server keeps GitHub's answers for a few minutes).`;
  }
}

/** The page for a GitHub failure: whose fault it is, and on a developer's machine what to do. */
export function githubUnavailablePage(
  c: Context<AppEnv>,
  username: string,
  cause: unknown,
  problem: ApiError,
) {
  const unreachable = cause instanceof UpstreamError && cause.kind === "network";
  const title = unreachable ? "GitHub is unreachable from this server" : "GitHub is unavailable";
  return renderPage(
    c,
    { title, current: "/gh" },
    <section class="card narrow" aria-labelledby="gh-error">
      <h1 id="gh-error">{title}</h1>
      <p>{problem.message}</p>
      {unreachable && c.var.config.environment === "local" ? (
        <p>
          Working offline? Start the service with <code>GITHUB_OFFLINE=1 npm start</code> (or{" "}
          <code>npm run demo</code>): a local stand-in then answers with recorded GitHub data.
        </p>
      ) : null}
      <LookupForm
        action="/gh"
        name="username"
        label="GitHub username"
        hint="Try again, or look up someone else."
        button="Show profile"
        value={username}
      />
    </section>,
    problem.status,
  );
}
