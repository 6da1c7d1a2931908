/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../lib/problem.ts";
import { cacheContext, upstreamProblem } from "../github/github.request.ts";
import { type CleanRepo, GITHUB_LOGIN, type RepoQuery } from "../github/github.schemas.ts";
import { CacheOutcome, collectRepos, fetchJson, GithubNotFound } from "../github/github.service.ts";
import { profileSummary, selectRepos } from "../github/github.shape.ts";
import { CardSnippets } from "./github.cards.tsx";
import { freshnessText, githubUnavailablePage } from "./github.words.tsx";
import { notFoundPage, renderPage } from "./layout.tsx";
import { LookupForm } from "./lookup.pages.tsx";
import { jsonForScript } from "./script-data.ts";

const SORTS = { stars: "Stars", updated: "Updated", name: "Name" } as const;
type Sort = keyof typeof SORTS;

/** Sort and filter come from the query string, so the table works without script too. */
function tableQuery(c: Context<AppEnv>): { sort: Sort; language: string } {
  const sort = c.req.query("sort");
  return {
    sort: sort && sort in SORTS ? (sort as Sort) : "stars",
    language: (c.req.query("language") ?? "").slice(0, 60),
  };
}

const dateOnly = (iso: string | null) => (iso ? iso.slice(0, 10) : "–");

function RepoRow({ repo }: { repo: CleanRepo }) {
  return (
    <tr data-name={repo.name.toLowerCase()} data-stars={repo.stars} data-updated={repo.updated_at}>
      <th scope="row">
        <a href={repo.url} rel="noopener noreferrer">
          {repo.name}
        </a>
        {repo.description ? <span class="muted block">{repo.description}</span> : null}
      </th>
      <td data-language={repo.language ?? ""}>{repo.language ?? "–"}</td>
      <td class="num">{repo.stars}</td>
      <td class="num">{repo.forks}</td>
      <td>
        <time datetime={repo.updated_at}>{dateOnly(repo.updated_at)}</time>
      </td>
    </tr>
  );
}

function SortHeader({ sort, current, language }: { sort: Sort; current: Sort; language: string }) {
  const params = new URLSearchParams({ sort });
  if (language) params.set("language", language);
  const order = sort === "name" ? "ascending" : "descending";
  return (
    <th
      scope="col"
      aria-sort={sort === current ? order : undefined}
      class={sort === "stars" ? "num" : undefined}
    >
      <a class="sort" href={`?${params}`} data-sort={sort}>
        {SORTS[sort]}
      </a>
    </th>
  );
}

/** GET /gh/:username — the profile and repositories through the same KV cache as the API. */
export async function githubPage(c: Context<AppEnv>) {
  const username = c.req.param("username") ?? "";
  if (!GITHUB_LOGIN.test(username))
    return notFoundPage(c, "No such GitHub user", "That is not a valid GitHub username.");
  const ctx = cacheContext(c);
  const outcome = new CacheOutcome();
  const login = username.toLowerCase();
  let user: Record<string, unknown>;
  let collected: Awaited<ReturnType<typeof collectRepos>>;
  try {
    [user, collected] = (await Promise.all([
      fetchJson(ctx, `/users/${login}`, outcome, false),
      collectRepos(ctx, login, outcome, false),
    ])) as [Record<string, unknown>, Awaited<ReturnType<typeof collectRepos>>];
  } catch (error) {
    if (error instanceof GithubNotFound)
      return notFoundPage(c, "No such GitHub user", `GitHub has no user called ${username}.`);
    try {
      upstreamProblem(error, `user ${username}`);
    } catch (problem) {
      if (problem instanceof ApiError) return githubUnavailablePage(c, username, error, problem);
    }
    throw error;
  }
  c.set("cacheState", outcome.state);
  c.header("Cache-Status", outcome.state);
  c.header("Age", String(outcome.ageSeconds));
  const profile = profileSummary(user, collected.repos);
  const query = tableQuery(c);
  // Forks are someone else's work: left out of the table as they are of the totals and chart.
  const repoQuery: RepoQuery = { sort: query.sort, include_forks: false, limit: 1000 };
  const repos = selectRepos(collected.repos, { ...repoQuery, language: query.language || undefined });
  const owned = collected.repos.filter((repo) => !repo.fork);
  const forks = collected.repos.length - owned.length;
  const languages = [...new Set(owned.map((repo) => repo.language).filter(Boolean))].sort() as string[];
  const chart = profile.aggregates.top_languages;
  return renderPage(
    c,
    {
      title: `${profile.login} on GitHub`,
      current: "/gh",
      styles: ["/pages/vendor/uPlot.min.css"],
      scripts: ["/pages/vendor/uPlot.iife.min.js", "/pages/common.js", "/pages/github.js"],
    },
    <div id="github">
      <LookupForm
        action="/gh"
        name="username"
        label="Look up another GitHub user"
        hint="A GitHub username, such as octocat."
        button="Show profile"
      />
      <div class="heading">
        <h1>{profile.name ? `${profile.name} (${profile.login})` : profile.login}</h1>
        <p class="muted" id="freshness">
          <span id="cache-status" data-state={outcome.state} data-age={outcome.ageSeconds}>
            {freshnessText(outcome.state, outcome.ageSeconds)}
          </span>
          {collected.truncated
            ? " Only the first repositories are shown: this user has more than we read."
            : ""}
        </p>
        <p class="muted" id="fork-note">
          {forks === 0
            ? "Counts, chart and table cover the user's own repositories (there are no forks)."
            : `Counts, chart and table cover the user's own repositories: ${forks} ${forks === 1 ? "fork is" : "forks are"} left out.`}
        </p>
      </div>
      <section class="grid two">
        <section class="card" aria-labelledby="h-profile">
          <h2 id="h-profile">Profile</h2>
          {profile.bio ? <p>{profile.bio}</p> : null}
          <dl class="tiles">
            <div>
              <dt>Own repositories</dt>
              <dd>{profile.aggregates.repositories_counted}</dd>
            </div>
            <div>
              <dt>Followers</dt>
              <dd>{profile.followers}</dd>
            </div>
            <div>
              <dt>Total stars</dt>
              <dd>{profile.aggregates.total_stars}</dd>
            </div>
            <div>
              <dt>Times forked</dt>
              <dd>{profile.aggregates.total_forks}</dd>
            </div>
          </dl>
          {profile.company || profile.location ? (
            <p class="muted" id="profile-facts">
              {[
                profile.company ? `Company: ${profile.company}` : "",
                profile.location ? `Location: ${profile.location}` : "",
              ]
                .filter(Boolean)
                .join(" · ")}
            </p>
          ) : null}
          {profile.url ? (
            <p>
              <a href={profile.url} rel="noopener noreferrer">
                {profile.login}'s profile on GitHub
              </a>
            </p>
          ) : null}
        </section>
        <figure class="card chart">
          <figcaption id="cap-languages">Own repositories by language (top 5)</figcaption>
          <div id="chart-languages" role="img" aria-labelledby="cap-languages" />
          <ul class="plain" id="language-list">
            {chart.map((entry) => (
              <li>
                {entry.language}: {entry.repositories}
              </li>
            ))}
          </ul>
          <script type="application/json" id="language-data">
            {jsonForScript(chart)}
          </script>
        </figure>
      </section>
      <section class="card" aria-labelledby="h-repos">
        <h2 id="h-repos">Repositories</h2>
        <form class="filters" method="get">
          <input type="hidden" name="sort" value={query.sort} />
          <label for="language">Language</label>
          <select id="language" name="language">
            <option value="">All languages</option>
            {languages.map((language) => (
              <option value={language} selected={language === query.language}>
                {language}
              </option>
            ))}
          </select>
          <button type="submit" class="no-js">
            Filter
          </button>
          <span id="repo-count" aria-live="polite">
            {repos.length} shown
          </span>
        </form>
        <p class="scroll-hint muted" aria-hidden="true">
          Scroll the table sideways for more columns →
        </p>
        <section class="scroll" tabindex={0} aria-label="Repositories table (scrolls sideways)">
          <table id="repos">
            <caption class="sr-only">Repositories; column headers sort the table</caption>
            <thead>
              <tr>
                <SortHeader sort="name" current={query.sort} language={query.language} />
                <th scope="col">Language</th>
                <SortHeader sort="stars" current={query.sort} language={query.language} />
                <th scope="col" class="num">
                  Forks
                </th>
                <SortHeader sort="updated" current={query.sort} language={query.language} />
              </tr>
            </thead>
            <tbody>
              {repos.map((repo) => (
                <RepoRow repo={repo} />
              ))}
            </tbody>
          </table>
        </section>
      </section>
      <CardSnippets
        origin={new URL(c.req.url).origin}
        login={profile.login || login}
        name={profile.login || login}
      />
    </div>,
  );
}
