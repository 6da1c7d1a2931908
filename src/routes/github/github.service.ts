import { type CacheContext, type CacheState, cachedGithubGet } from "../../github-client/cache.ts";
import { parsedOnce } from "../../github-client/derived-cache.ts";
import { UpstreamError } from "../../github-client/upstream.ts";
import type { CleanRepo } from "./github.schemas.ts";
import { cleanRepo, nextPagePath } from "./github.shape.ts";

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

/** A page of repositories, cleaned; parsed once per cached entry (the derived cache). */
function reposOf(entry: { body: string }): CleanRepo[] {
  return parsedOnce(entry, () => {
    const page = JSON.parse(entry.body) as Array<Record<string, unknown>>;
    if (!Array.isArray(page) || !page.every(isObject)) {
      throw new UpstreamError("malformed", "GitHub's repository list was not an array of objects");
    }
    return page.map(cleanRepo);
  });
}

/**
 * One cached upstream request, counted into the response's cache outcome; a 404 throws.
 * `freshSeconds`: the route's TTL (github.ttl.ts), else GITHUB_CACHE_TTL_SECONDS.
 */
export async function fetchEntry(
  ctx: CacheContext,
  path: string,
  outcome: CacheOutcome,
  force: boolean,
  freshSeconds?: number,
) {
  const { entry, state } = await cachedGithubGet(ctx, path, force, freshSeconds);
  outcome.add(state, entry.fetchedAt);
  if (entry.status === 404) throw new GithubNotFound(path);
  return entry;
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** One upstream JSON object (a user, a repository); anything else is a malformed answer. */
export async function fetchJson(
  ctx: CacheContext,
  path: string,
  outcome: CacheOutcome,
  force: boolean,
  freshSeconds?: number,
): Promise<Record<string, unknown>> {
  const value: unknown = JSON.parse((await fetchEntry(ctx, path, outcome, force, freshSeconds)).body);
  if (!isObject(value)) throw new UpstreamError("malformed", "GitHub's answer was not a JSON object");
  return value;
}

/**
 * All of a user's (or, with `owner: "orgs"`, an organisation's) repositories: page 1 at
 * per_page=100, then each `rel="next"` until GitHub has no more or the page cap is reached
 * (then `truncated`).
 */
export async function collectRepos(
  ctx: CacheContext,
  login: string,
  outcome: CacheOutcome,
  force: boolean,
  owner: "users" | "orgs" = "users",
) {
  const repos: CleanRepo[] = [];
  /** Identifies the exact page versions used, so derived responses can be memoised on it. */
  const versions: number[] = [];
  let path: string | undefined = `/${owner}/${login}/repos?per_page=100&page=1`;
  let pages = 0;
  while (path && pages < ctx.settings.maxPages) {
    const entry = await fetchEntry(ctx, path, outcome, force);
    repos.push(...reposOf(entry));
    versions.push(entry.fetchedAt);
    pages += 1;
    path = nextPagePath(entry.link, ctx.settings.apiUrl);
  }
  return { repos, pages, truncated: path !== undefined, version: versions.join(",") };
}
