import { createRoute } from "@hono/zod-openapi";
import { commonErrorResponses, notFoundResponse } from "../../lib/openapi.ts";
import { OrgParamSchema, OrgRepoListSchema, OrgReposQuerySchema, OrgSchema } from "./github.parts.schemas.ts";
import { cachedProxy, cacheRequestHeaders, ok } from "./github.routes.ts";
import { upstreamFailures } from "./github.schemas.ts";

export const orgRoute = createRoute({
  operationId: "getGithubOrg",
  ...cachedProxy,
  method: "get",
  path: "/github/orgs/{org}",
  tags: ["GitHub"],
  summary: "An organisation's profile (cached 1 h)",
  request: { params: OrgParamSchema, headers: cacheRequestHeaders },
  responses: {
    ...ok("Organisation.", OrgSchema),
    ...notFoundResponse,
    ...upstreamFailures,
    ...commonErrorResponses,
  },
});

export const orgReposRoute = createRoute({
  operationId: "listGithubOrgRepos",
  ...cachedProxy,
  method: "get",
  path: "/github/orgs/{org}/repos",
  tags: ["GitHub"],
  summary: "An organisation's public repositories, cleaned, sorted and filtered (all pages, cached)",
  request: { params: OrgParamSchema, query: OrgReposQuerySchema, headers: cacheRequestHeaders },
  responses: {
    ...ok("Repositories.", OrgRepoListSchema),
    ...notFoundResponse,
    ...upstreamFailures,
    ...commonErrorResponses,
  },
});

export type OrgRoute = typeof orgRoute;
export type OrgReposRoute = typeof orgReposRoute;
