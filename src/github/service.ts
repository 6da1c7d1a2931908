import { type CacheContext, type CacheState, cachedGithubGet } from "./cache.ts";
import { type CleanRepo, cleanRepo, nextPagePath } from "./shape.ts";

const SEVERITY: Record<CacheState, number> = { hit: 0, stale: 1, revalidated: 2, miss: 3 };

/** Several upstream requests answer one client request; the response reports the weakest. */
export class CacheOutcome {
  state: CacheState = "hit";
  oldestFetchedAt = Date.now();

  add(state: CacheState, fetchedAt: number): void {
    if (SEVERITY[state] > SEVERITY[this.state]) this.state = state;
    this.oldestFetchedAt = Math.min(this.oldestFetchedAt, fetchedAt);
  }

  get ageSeconds(): number {
    return Math.max(0, Math.floor((Date.now() - this.oldestFetchedAt) / 1000));
  }
}

export class GithubNotFound extends Error {}

export async function fetchJson(
  ctx: CacheContext,
  path: string,
  outcome: CacheOutcome,
  force: boolean,
): Promise<unknown> {
  const { entry, state } = await cachedGithubGet(ctx, path, force);
  outcome.add(state, entry.fetchedAt);
  if (entry.status === 404) throw new GithubNotFound(path);
  return JSON.parse(entry.body);
}

/**
 * All of a user's repositories: page 1 at per_page=100, then each `rel="next"` until
 * GitHub has no more or the page cap is reached (then `truncated`).
 */
export async function collectRepos(ctx: CacheContext, login: string, outcome: CacheOutcome, force: boolean) {
  const repos: CleanRepo[] = [];
  let path: string | undefined = `/users/${login}/repos?per_page=100&page=1`;
  let pages = 0;
  while (path && pages < ctx.settings.maxPages) {
    const { entry, state } = await cachedGithubGet(ctx, path, force);
    outcome.add(state, entry.fetchedAt);
    if (entry.status === 404) throw new GithubNotFound(path);
    const page = JSON.parse(entry.body) as Array<Record<string, unknown>>;
    if (!Array.isArray(page)) throw new SyntaxError("GitHub's repository list was not an array");
    repos.push(...page.map(cleanRepo));
    pages += 1;
    path = nextPagePath(entry.link, ctx.settings.apiUrl);
  }
  return { repos, pages, truncated: path !== undefined };
}
