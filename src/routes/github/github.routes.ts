import { createRoute, z } from "@hono/zod-openapi";
import { commonErrorResponses, notFoundResponse } from "../../lib/openapi.ts";
import { ifNoneMatchHeader, notModifiedResponse, responseHeaders } from "../../lib/openapi-headers.ts";
import { optionallyAuthed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import {
  CleanRepoSchema,
  ProfileSchema,
  RepoListQuerySchema,
  RepoListSchema,
  RepoParamSchema,
  UserParamSchema,
  upstreamFailures,
} from "./github.schemas.ts";

export const cacheHeaders = {
  ...responseHeaders.githubCache,
  ...responseHeaders.etag,
  ...responseHeaders.cacheControl,
};
/** Conditional reads, and `Cache-Control: no-cache` to have GitHub asked before answering. */
export const cacheRequestHeaders = z.object({
  ...ifNoneMatchHeader,
  "cache-control": z.string().max(256).optional().openapi({
    description: "`no-cache` revalidates with GitHub before answering (else the cache may answer).",
  }),
});
/**
 * Open to anyone; each call actually made to GitHub (a miss or a revalidation, never a cache
 * hit) is charged to the client's `github` budget, then to the service-wide `github_upstream`.
 * A token is read when sent: an API key without `github:read` is refused before any budget.
 */
export const cachedProxy = routeOptions({
  access: optionallyAuthed,
  scope: "github:read",
  limits: ["github", "github_upstream"],
});
export const ok = <T extends z.ZodType>(description: string, schema: T) => ({
  200: { description, headers: cacheHeaders, content: { "application/json": { schema } } },
  ...notModifiedResponse,
});

export const userReposRoute = createRoute({
  operationId: "listGithubUserRepos",
  ...cachedProxy,
  method: "get",
  path: "/github/users/{username}/repos",
  tags: ["GitHub"],
  summary: "A user's public repositories, cleaned, sorted and filtered (all pages, cached)",
  request: { params: UserParamSchema, query: RepoListQuerySchema, headers: cacheRequestHeaders },
  responses: {
    ...ok("Repositories.", RepoListSchema),
    ...notFoundResponse,
    ...upstreamFailures,
    ...commonErrorResponses,
  },
});

export const userProfileRoute = createRoute({
  operationId: "getGithubUserProfile",
  ...cachedProxy,
  method: "get",
  path: "/github/users/{username}",
  tags: ["GitHub"],
  summary: "Profile summary with totals and top languages over the user's own repositories",
  request: { params: UserParamSchema, headers: cacheRequestHeaders },
  responses: {
    ...ok("Profile.", ProfileSchema),
    ...notFoundResponse,
    ...upstreamFailures,
    ...commonErrorResponses,
  },
});

export const repoRoute = createRoute({
  operationId: "getGithubRepo",
  ...cachedProxy,
  method: "get",
  path: "/github/repos/{owner}/{repo}",
  tags: ["GitHub"],
  summary: "One repository, cleaned (cached)",
  request: { params: RepoParamSchema, headers: cacheRequestHeaders },
  responses: {
    ...ok("Repository.", CleanRepoSchema),
    ...notFoundResponse,
    ...upstreamFailures,
    ...commonErrorResponses,
  },
});

export type UserReposRoute = typeof userReposRoute;
export type UserProfileRoute = typeof userProfileRoute;
export type RepoRoute = typeof repoRoute;
