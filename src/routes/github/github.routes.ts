import { createRoute, type z } from "@hono/zod-openapi";
import { commonErrorResponses, notFoundResponse, problemResponseSpec } from "../../lib/openapi.ts";
import {
  CleanRepoSchema,
  ProfileSchema,
  RepoListQuerySchema,
  RepoListSchema,
  RepoParamSchema,
  UserParamSchema,
} from "./github.schemas.ts";

const cacheHeaders = {
  "Cache-Status": {
    description: "`hit`, `stale`, `revalidated` or `miss`.",
    schema: { type: "string" as const },
  },
  Age: {
    description: "Seconds since the data was fetched from GitHub.",
    schema: { type: "integer" as const },
  },
  ETag: {
    description: "Our own entity tag; send it back in If-None-Match.",
    schema: { type: "string" as const },
  },
};
const upstreamFailures = {
  502: problemResponseSpec("GitHub failed (5xx or malformed answer) and nothing cached could stand in."),
  503: problemResponseSpec(
    "GitHub's rate limit is exhausted and nothing cached could stand in; see Retry-After.",
  ),
  504: problemResponseSpec("GitHub did not answer in time and nothing cached could stand in."),
};
const ok = <T extends z.ZodType>(description: string, schema: T) => ({
  200: { description, headers: cacheHeaders, content: { "application/json": { schema } } },
  304: { description: "Not modified (If-None-Match matched)." },
});

export const userReposRoute = createRoute({
  method: "get",
  path: "/github/users/{username}/repos",
  tags: ["GitHub"],
  summary: "A user's public repositories, cleaned, sorted and filtered (all pages, cached)",
  request: { params: UserParamSchema, query: RepoListQuerySchema },
  responses: {
    ...ok("Repositories.", RepoListSchema),
    ...notFoundResponse,
    ...upstreamFailures,
    ...commonErrorResponses,
  },
});

export const userProfileRoute = createRoute({
  method: "get",
  path: "/github/users/{username}",
  tags: ["GitHub"],
  summary: "Profile summary with totals and top languages over the user's own repositories",
  request: { params: UserParamSchema },
  responses: {
    ...ok("Profile.", ProfileSchema),
    ...notFoundResponse,
    ...upstreamFailures,
    ...commonErrorResponses,
  },
});

export const repoRoute = createRoute({
  method: "get",
  path: "/github/repos/{owner}/{repo}",
  tags: ["GitHub"],
  summary: "One repository, cleaned (cached)",
  request: { params: RepoParamSchema },
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
