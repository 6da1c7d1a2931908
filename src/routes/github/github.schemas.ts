import { z } from "@hono/zod-openapi";
import { problemResponseSpec, unavailableProblem } from "../../lib/openapi.ts";
import { booleanQuery, boundedText, limitQuery } from "../../lib/schemas.ts";

/** GitHub's login rule: 1–39 alphanumerics or single hyphens, no hyphen at either end. */
export const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPO = /^(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;

const Login = z
  .string()
  .regex(GITHUB_LOGIN, {
    message: "Not a valid GitHub username (1–39 letters, digits or single inner hyphens).",
  })
  .openapi({ minLength: 1, maxLength: 39 });

export const UserParamSchema = z.object({
  username: Login.openapi({ param: { name: "username", in: "path" }, example: "octocat" }),
});
export const RepoParamSchema = z.object({
  owner: Login.openapi({ param: { name: "owner", in: "path" }, example: "octokit-fixture-org" }),
  repo: z
    .string()
    .regex(GITHUB_REPO, { message: "Not a valid repository name." })
    .openapi({ param: { name: "repo", in: "path" }, example: "hello-world", minLength: 1, maxLength: 100 }),
});

export const RepoListQuerySchema = z.object({
  sort: z.enum(["stars", "updated", "pushed", "name"]).default("updated"),
  direction: z.enum(["asc", "desc"]).optional().openapi({ description: "Default: asc for name, else desc." }),
  language: boundedText(50).optional().openapi({ description: "Case-insensitive exact language match." }),
  include_forks: booleanQuery(false),
  limit: limitQuery({ fallback: 100, max: 1000 }),
});

export const CleanRepoSchema = z
  .object({
    name: z.string(),
    full_name: z.string(),
    description: z.string().nullable(),
    language: z.string().nullable(),
    stars: z.number().int(),
    forks: z.number().int(),
    open_issues: z.number().int(),
    url: z.string(),
    homepage: z.string().nullable(),
    topics: z.array(z.string()),
    fork: z.boolean(),
    archived: z.boolean(),
    created_at: z.string(),
    updated_at: z.string(),
    pushed_at: z.string().nullable(),
  })
  .openapi("GithubRepo");

export const RepoListSchema = z
  .object({
    username: z.string(),
    total: z.number().int().openapi({ description: "Repositories after filters, before `limit`." }),
    pages_fetched: z.number().int(),
    truncated: z.boolean().openapi({ description: "GitHub had more pages than GITHUB_MAX_PAGES allows." }),
    items: z.array(CleanRepoSchema),
  })
  .openapi("GithubRepoList");

export const ProfileSchema = z
  .object({
    login: z.string(),
    name: z.string().nullable(),
    avatar_url: z.string().nullable(),
    url: z.string(),
    bio: z.string().nullable(),
    company: z.string().nullable(),
    location: z.string().nullable(),
    blog: z.string().nullable(),
    type: z.string().nullable(),
    public_repos: z.number().int(),
    followers: z.number().int(),
    following: z.number().int(),
    created_at: z.string().nullable(),
    truncated: z.boolean(),
    aggregates: z.object({
      repositories_counted: z.number().int(),
      total_stars: z.number().int(),
      total_forks: z.number().int(),
      top_languages: z.array(z.object({ language: z.string(), repositories: z.number().int() })),
    }),
  })
  .openapi("GithubProfile");

/** The shapes clients see: inferred from the published schemas, never restated. */
export type CleanRepo = z.infer<typeof CleanRepoSchema>;
export type RepoList = z.infer<typeof RepoListSchema>;
export type GithubProfile = z.infer<typeof ProfileSchema>;
export type RepoQuery = z.infer<typeof RepoListQuerySchema>;

/** The failures every GitHub-backed operation declares (its JSON routes and the cards alike). */
export const upstreamFailures = {
  502: problemResponseSpec("GitHub failed (5xx or malformed answer) and nothing cached could stand in."),
  ...unavailableProblem(
    "GitHub's rate limit, or this service's share of it (`github_upstream`), is exhausted and nothing cached could stand in; see Retry-After.",
  ),
  504: problemResponseSpec("GitHub did not answer in time and nothing cached could stand in."),
};
