import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { parsedOnce } from "../../github-client/derived-cache.ts";
import { UpstreamError } from "../../github-client/upstream.ts";
import { renderMarkdown } from "../../lib/markdown.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { cleanContributor, cleanRelease, readmeText } from "./github.parts.shape.ts";
import type * as routes from "./github.repos.routes.ts";
import { cacheContext, forceRevalidate, upstreamProblem } from "./github.request.ts";
import { render, respond } from "./github.respond.ts";
import { CacheOutcome, fetchEntry, GithubNotFound, isObject } from "./github.service.ts";
import { GITHUB_TTL_SECONDS } from "./github.ttl.ts";

const MAX_CONTRIBUTORS = 100;
const MAX_RELEASES = 30;

/** The repository named in the path, lower-cased as the cache keys it. */
const repoPath = (c: Context<AppEnv>) => {
  const owner = (c.req.param("owner") ?? "").toLowerCase();
  const repo = (c.req.param("repo") ?? "").toLowerCase();
  return { full: `${owner}/${repo}`, base: `/repos/${owner}/${repo}` };
};

/** One cached upstream answer of a repository part, parsed once per entry and checked for shape. */
async function part<T>(
  c: Context<AppEnv>,
  path: string,
  freshSeconds: number,
  outcome: CacheOutcome,
  shape: (value: unknown) => T,
): Promise<T> {
  const { full } = repoPath(c);
  return fetchEntry(cacheContext(c), path, outcome, forceRevalidate(c), freshSeconds)
    .then((entry) => parsedOnce(entry, () => shape(JSON.parse(entry.body))))
    .catch((error) => upstreamProblem(error, `such repository (or part of it): ${full}`));
}

const objectsOf = (value: unknown, limit: number) => {
  if (!Array.isArray(value)) throw new UpstreamError("malformed", "GitHub's list was not an array");
  return value.filter(isObject).slice(0, limit);
};
const objectOf = (value: unknown) => {
  if (!isObject(value)) throw new UpstreamError("malformed", "GitHub's answer was not a JSON object");
  return value;
};

export const contributors: AppRouteHandler<routes.ContributorsRoute> = async (c) => {
  const { full, base } = repoPath(c);
  const outcome = new CacheOutcome();
  // One page of 100: GitHub sorts by contributions, so it is the top 100; a full page may have more.
  const items = await part(
    c,
    `${base}/contributors?per_page=${MAX_CONTRIBUTORS}`,
    GITHUB_TTL_SECONDS.contributors,
    outcome,
    (value) => objectsOf(value, MAX_CONTRIBUTORS).map(cleanContributor),
  );
  const truncated = items.length >= MAX_CONTRIBUTORS;
  return respond(c, await render({ repository: full, items, truncated }), outcome);
};

export const releases: AppRouteHandler<routes.ReleasesRoute> = async (c) => {
  const { full, base } = repoPath(c);
  const outcome = new CacheOutcome();
  const items = await part(
    c,
    `${base}/releases?per_page=${MAX_RELEASES}`,
    GITHUB_TTL_SECONDS.releases,
    outcome,
    (value) => objectsOf(value, MAX_RELEASES).map(cleanRelease),
  );
  return respond(c, await render({ repository: full, items }), outcome);
};

export const latestRelease: AppRouteHandler<routes.LatestReleaseRoute> = async (c) => {
  const { base } = repoPath(c);
  const outcome = new CacheOutcome();
  const release = await part(c, `${base}/releases/latest`, GITHUB_TTL_SECONDS.releases, outcome, (value) =>
    cleanRelease(objectOf(value)),
  );
  return respond(c, await render(release), outcome);
};

export const readme: AppRouteHandler<routes.ReadmeRoute> = async (c) => {
  const { full, base } = repoPath(c);
  const outcome = new CacheOutcome();
  const body = await part(c, `${base}/readme`, GITHUB_TTL_SECONDS.readme, outcome, (value) => {
    const raw = objectOf(value);
    const { markdown, truncated } = readmeText(raw);
    return {
      repository: full,
      path: typeof raw.path === "string" ? raw.path.slice(0, 300) : "README.md",
      url: typeof raw.html_url === "string" ? raw.html_url.slice(0, 1000) : null,
      truncated,
      markdown,
      html: renderMarkdown(markdown),
    };
  });
  return respond(c, await render(body), outcome);
};

export const stars: AppRouteHandler<routes.StarsRoute> = async (c) => {
  const { repos } = c.req.valid("query");
  const outcome = new CacheOutcome();
  const ctx = cacheContext(c);
  const force = forceRevalidate(c);
  // The same cache entries as GET /github/repos/{owner}/{repo}: a repository seen there is free here.
  const items = await Promise.all(
    repos.map(async (repository) => {
      try {
        const entry = await fetchEntry(ctx, `/repos/${repository}`, outcome, force);
        const raw = parsedOnce(entry, () => objectOf(JSON.parse(entry.body)));
        const count = raw.stargazers_count;
        return {
          repository,
          stars: typeof count === "number" && Number.isFinite(count) ? Math.trunc(count) : 0,
        };
      } catch (error) {
        if (error instanceof GithubNotFound) return { repository, stars: null };
        return upstreamProblem(error, repository);
      }
    }),
  );
  const total = items.reduce((sum, item) => sum + (item.stars ?? 0), 0);
  return respond(c, await render({ total, items }), outcome);
};
