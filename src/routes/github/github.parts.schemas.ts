import { z } from "@hono/zod-openapi";
import { CleanRepoSchema, GITHUB_LOGIN, RepoListQuerySchema } from "./github.schemas.ts";

/**
 * Shapes of the organisation and repository-part routes. Every list and text is bounded
 * (github.parts.shape.ts): upstream data is hostile until shown otherwise.
 */

export const OrgParamSchema = z.object({
  org: z
    .string()
    .regex(GITHUB_LOGIN, { message: "Not a valid GitHub organisation name." })
    .openapi({
      param: { name: "org", in: "path" },
      example: "octokit-fixture-org",
      minLength: 1,
      maxLength: 39,
    }),
});

export const OrgReposQuerySchema = RepoListQuerySchema;

export const OrgSchema = z
  .object({
    login: z.string(),
    name: z.string().nullable(),
    description: z.string().nullable(),
    avatar_url: z.string().nullable(),
    url: z.string(),
    blog: z.string().nullable(),
    location: z.string().nullable(),
    public_repos: z.number().int(),
    followers: z.number().int(),
    created_at: z.string().nullable(),
  })
  .openapi("GithubOrg");

export const OrgRepoListSchema = z
  .object({
    org: z.string(),
    total: z.number().int(),
    pages_fetched: z.number().int(),
    truncated: z.boolean(),
    items: z.array(CleanRepoSchema),
  })
  .openapi("GithubOrgRepoList");

export const ContributorSchema = z.object({
  login: z.string(),
  avatar_url: z.string().nullable(),
  url: z.string().nullable(),
  contributions: z.number().int(),
});

export const ContributorListSchema = z
  .object({
    repository: z.string(),
    items: z.array(ContributorSchema).openapi({ description: "The top contributors, at most 100." }),
    truncated: z.boolean().openapi({ description: "GitHub lists more than the 100 shown." }),
  })
  .openapi("GithubContributors");

export const ReleaseSchema = z
  .object({
    tag: z.string(),
    name: z.string().nullable(),
    body: z
      .string()
      .nullable()
      .openapi({ description: "Release notes (Markdown), at most 20,000 characters." }),
    url: z.string().nullable(),
    draft: z.boolean(),
    prerelease: z.boolean(),
    published_at: z.string().nullable(),
    author: z.string().nullable(),
    assets: z.number().int().openapi({ description: "How many files are attached." }),
  })
  .openapi("GithubRelease");

export const ReleaseListSchema = z
  .object({
    repository: z.string(),
    items: z.array(ReleaseSchema).openapi({ description: "The newest releases, at most 30." }),
  })
  .openapi("GithubReleases");

export const ReadmeSchema = z
  .object({
    repository: z.string(),
    path: z.string(),
    url: z.string().nullable(),
    truncated: z
      .boolean()
      .openapi({ description: "The README was longer than 200,000 characters; the rest is cut." }),
    markdown: z.string(),
    html: z.string().openapi({
      description:
        "Rendered here from `markdown` with every character escaped first: no raw HTML, no scripts, " +
        "only http(s) and mailto links.",
    }),
  })
  .openapi("GithubReadme");

/** `owner/repo`, as on GitHub. */
const FULL_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}\/(?!\.{1,2}$)[A-Za-z0-9._-]{1,100}$/;
export const MAX_STARRED_REPOS = 20;

export const StarsQuerySchema = z.object({
  repos: z
    .string()
    .max(MAX_STARRED_REPOS * 141)
    .transform((value) => [...new Set(value.split(",").map((item) => item.trim().toLowerCase()))])
    .refine((list) => list.length >= 1 && list.length <= MAX_STARRED_REPOS, {
      message: `Name 1 to ${MAX_STARRED_REPOS} repositories.`,
    })
    .refine((list) => list.every((item) => FULL_NAME.test(item)), {
      message: "Each repository must be owner/name.",
    })
    .openapi({
      description: `Comma-separated \`owner/name\` list, at most ${MAX_STARRED_REPOS} (duplicates count once).`,
      example: "octokit-fixture-org/hello-world",
      type: "string",
      maxLength: MAX_STARRED_REPOS * 141,
    }),
});

export const StarsSchema = z
  .object({
    total: z.number().int().openapi({ description: "Stars of the repositories found." }),
    items: z.array(
      z.object({
        repository: z.string(),
        stars: z
          .number()
          .int()
          .nullable()
          .openapi({ description: "null when GitHub has no such repository." }),
      }),
    ),
  })
  .openapi("GithubStars");

export type Org = z.infer<typeof OrgSchema>;
export type Contributor = z.infer<typeof ContributorSchema>;
export type Release = z.infer<typeof ReleaseSchema>;
