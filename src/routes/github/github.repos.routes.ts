import { createRoute } from "@hono/zod-openapi";
import { commonErrorResponses, notFoundResponse } from "../../lib/openapi.ts";
import {
  ContributorListSchema,
  ReadmeSchema,
  ReleaseListSchema,
  ReleaseSchema,
  StarsQuerySchema,
  StarsSchema,
} from "./github.parts.schemas.ts";
import { cachedProxy, cacheRequestHeaders, ok } from "./github.routes.ts";
import { RepoParamSchema, upstreamFailures } from "./github.schemas.ts";

/** The parts of one repository: each one upstream request, cached with its own TTL (github.ttl.ts). */
const repoPart = <T extends Parameters<typeof ok>[1]>(
  operationId: string,
  path: string,
  summary: string,
  schema: T,
  notFound: string,
) =>
  createRoute({
    operationId,
    ...cachedProxy,
    method: "get",
    path: `/github/repos/{owner}/{repo}${path}`,
    tags: ["GitHub"],
    summary,
    request: { params: RepoParamSchema, headers: cacheRequestHeaders },
    responses: {
      ...ok(summary, schema),
      404: { ...notFoundResponse[404], description: notFound },
      ...upstreamFailures,
      ...commonErrorResponses,
    },
  });

export const contributorsRoute = repoPart(
  "listGithubRepoContributors",
  "/contributors",
  "A repository's top contributors by commits, at most 100 (cached 1 h)",
  ContributorListSchema,
  "No such repository.",
);

export const releasesRoute = repoPart(
  "listGithubRepoReleases",
  "/releases",
  "A repository's newest releases, at most 30 (cached 15 min)",
  ReleaseListSchema,
  "No such repository.",
);

export const latestReleaseRoute = repoPart(
  "getGithubRepoLatestRelease",
  "/releases/latest",
  "A repository's latest published release (cached 15 min)",
  ReleaseSchema,
  "No such repository, or it has no published release.",
);

export const readmeRoute = repoPart(
  "getGithubRepoReadme",
  "/readme",
  "A repository's README as Markdown and as HTML rendered safely here (cached 1 h)",
  ReadmeSchema,
  "No such repository, or it has no README.",
);

export const starsRoute = createRoute({
  operationId: "getGithubStars",
  ...cachedProxy,
  method: "get",
  path: "/github/stars",
  tags: ["GitHub"],
  summary: "Star counts of up to 20 repositories in one call (each cached like the repository)",
  request: { query: StarsQuerySchema, headers: cacheRequestHeaders },
  responses: {
    ...ok("Star counts, in the order asked.", StarsSchema),
    ...upstreamFailures,
    ...commonErrorResponses,
  },
});

export type ContributorsRoute = typeof contributorsRoute;
export type ReleasesRoute = typeof releasesRoute;
export type LatestReleaseRoute = typeof latestReleaseRoute;
export type ReadmeRoute = typeof readmeRoute;
export type StarsRoute = typeof starsRoute;
