import { memoised } from "../../github-client/derived-cache.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { render, respond } from "./github.handlers.ts";
import type { OrgReposRoute, OrgRoute } from "./github.orgs.routes.ts";
import { cleanOrg } from "./github.parts.shape.ts";
import { cacheContext, forceRevalidate, upstreamProblem } from "./github.request.ts";
import { CacheOutcome, collectRepos, fetchJson } from "./github.service.ts";
import { selectRepos } from "./github.shape.ts";
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
  const rendered = await memoised(`org-repos:${org}:${JSON.stringify(query)}`, collected.version, () => {
    const selected = selectRepos(collected.repos, query);
    return render({
      org,
      total: selected.length,
      pages_fetched: collected.pages,
      truncated: collected.truncated,
      items: selected.slice(0, query.limit),
    });
  });
  return respond(c, rendered, outcome);
};
