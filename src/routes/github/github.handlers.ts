import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { memoised } from "../../github-client/derived-cache.ts";
import { sha256 } from "../../lib/crypto.ts";
import { ifNoneMatchHits } from "../../lib/etag.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { cacheContext, forceRevalidate, upstreamProblem } from "./github.request.ts";
import type { RepoRoute, UserProfileRoute, UserReposRoute } from "./github.routes.ts";
import type { RepoQuery } from "./github.schemas.ts";
import { CacheOutcome, collectRepos, fetchJson } from "./github.service.ts";
import { cleanRepo, profileSummary, selectRepos } from "./github.shape.ts";

export interface Rendered {
  body: string;
  etag: string;
}

export async function render(payload: unknown): Promise<Rendered> {
  const body = JSON.stringify(payload);
  return { body, etag: `"${(await sha256(body)).slice(0, 27)}"` };
}

/** Our own ETag over the exact body, plus the cache headers; 304 when the client has it. */
export async function respond(c: Context<AppEnv>, rendered: Rendered, outcome: CacheOutcome) {
  const { body, etag } = rendered;
  c.header("ETag", etag);
  c.header("Cache-Status", outcome.state);
  c.set("cacheState", outcome.state);
  c.header("Age", String(outcome.ageSeconds));
  c.header("Cache-Control", "public, max-age=60");
  if (ifNoneMatchHits(c.req.header("If-None-Match"), etag)) return c.body(null, 304);
  return c.body(body, 200, { "Content-Type": "application/json" });
}

export const userRepos: AppRouteHandler<UserReposRoute> = async (c) => {
  const { username } = c.req.valid("param");
  const query = c.req.valid("query");
  const outcome = new CacheOutcome();
  const ctx = cacheContext(c);
  const login = username.toLowerCase();
  const collected = await collectRepos(ctx, login, outcome, forceRevalidate(c)).catch((error) =>
    upstreamProblem(error, `user ${username}`),
  );
  return respond(c, await renderRepoList({ username }, collected, query), outcome);
};

/** A user's or an organisation's repository list as sent, memoised while its pages are unchanged. */
export function renderRepoList(
  owner: { username: string } | { org: string },
  collected: Awaited<ReturnType<typeof collectRepos>>,
  query: RepoQuery,
): Promise<Rendered> {
  return memoised(`repos:${JSON.stringify(owner)}:${JSON.stringify(query)}`, collected.version, () => {
    const selected = selectRepos(collected.repos, query);
    return render({
      ...owner,
      total: selected.length,
      pages_fetched: collected.pages,
      truncated: collected.truncated,
      items: selected.slice(0, query.limit),
    });
  });
}

export const userProfile: AppRouteHandler<UserProfileRoute> = async (c) => {
  const { username } = c.req.valid("param");
  const outcome = new CacheOutcome();
  const ctx = cacheContext(c);
  const login = username.toLowerCase();
  const force = forceRevalidate(c);
  const [user, collected] = await Promise.all([
    fetchJson(ctx, `/users/${login}`, outcome, force),
    collectRepos(ctx, login, outcome, force),
  ]).catch((error) => upstreamProblem(error, `user ${username}`));
  const rendered = await render({
    ...profileSummary(user, collected.repos),
    truncated: collected.truncated,
  });
  return respond(c, rendered, outcome);
};

export const repository: AppRouteHandler<RepoRoute> = async (c) => {
  const { owner, repo } = c.req.valid("param");
  const outcome = new CacheOutcome();
  const raw = await fetchJson(
    cacheContext(c),
    `/repos/${owner.toLowerCase()}/${repo.toLowerCase()}`,
    outcome,
    forceRevalidate(c),
  ).catch((error) => upstreamProblem(error, `repository ${owner}/${repo}`));
  return respond(c, await render(cleanRepo(raw)), outcome);
};
