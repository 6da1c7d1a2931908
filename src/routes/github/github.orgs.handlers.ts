import type { AppRouteHandler } from "../../lib/types.ts";
import type { OrgReposRoute, OrgRoute } from "./github.orgs.routes.ts";
import { cleanOrg } from "./github.parts.shape.ts";
import { cacheContext, forceRevalidate, upstreamProblem } from "./github.request.ts";
import { render, renderRepoList, respond } from "./github.respond.ts";
import { CacheOutcome, collectRepos, fetchJson } from "./github.service.ts";
import { GITHUB_TTL_SECONDS } from "./github.ttl.ts";

export const organisation: AppRouteHandler<OrgRoute> = async (c) => {
  const { org } = c.req.valid("param");
  const outcome = new CacheOutcome();
  const raw = await fetchJson(
    cacheContext(c),
    `/orgs/${org.toLowerCase()}`,
    outcome,
    forceRevalidate(c),
    GITHUB_TTL_SECONDS.organisation,
  ).catch((error) => upstreamProblem(error, `organisation ${org}`));
  return respond(c, await render(cleanOrg(raw)), outcome);
};

export const organisationRepos: AppRouteHandler<OrgReposRoute> = async (c) => {
  const { org } = c.req.valid("param");
  const query = c.req.valid("query");
  const outcome = new CacheOutcome();
  const ctx = cacheContext(c);
  const collected = await collectRepos(ctx, org.toLowerCase(), outcome, forceRevalidate(c), "orgs").catch(
    (error) => upstreamProblem(error, `organisation ${org}`),
  );
  return respond(c, await renderRepoList({ org }, collected, query), outcome);
};
