import type { AppRouteHandler } from "../../lib/types.ts";
import { cacheContext, forceRevalidate, upstreamProblem } from "./github.request.ts";
import { render, renderRepoList, respond } from "./github.respond.ts";
import type { RepoRoute, UserProfileRoute, UserReposRoute } from "./github.routes.ts";
import { CacheOutcome, collectRepos, fetchJson } from "./github.service.ts";
import { cleanRepo, profileSummary } from "./github.shape.ts";

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
