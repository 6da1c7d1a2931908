import { createRoute, z } from "@hono/zod-openapi";
import { commonErrorResponses, notFoundResponse, unavailableResponse } from "../../lib/openapi.ts";
import { ifNoneMatchHeader, notModifiedResponse, responseHeaders } from "../../lib/openapi-headers.ts";
import { IdParamSchema } from "../../lib/schemas.ts";
import { publicAccess } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import { RepoParamSchema, UserParamSchema, upstreamFailures } from "../github/github.schemas.ts";
import { THEMES } from "./cards.svg.ts";

const SvgSchema = z.string().openapi("SvgCard", {
  description: "An SVG image: `role=img` with `<title>` and `<desc>`, at most 16 KB, no script or links.",
});
const svg = { "image/svg+xml": { schema: SvgSchema } };

const CardQuerySchema = z.object({
  theme: z.enum(THEMES).default("auto").openapi({
    description:
      "`auto` (default) follows the viewer's light or dark preference; `light` and `dark` fix one.",
  }),
});
const cardHeaders = {
  ...responseHeaders.etag,
  ...responseHeaders.cacheControl,
  "Content-Security-Policy": {
    description: "What an image needs: inline style, nothing else.",
    schema: { type: "string" as const },
  },
};

/**
 * Every error is the problem as a small SVG card of the same status (an <img> never shows a
 * broken image), or problem+json to a client whose `Accept` prefers JSON (cards.respond.ts).
 */
function asCards<T extends Record<string, { description: string; headers?: object }>>(responses: T) {
  return Object.fromEntries(
    Object.entries(responses).map(([status, response]) => [
      status,
      {
        ...response,
        content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } }, ...svg },
      },
    ]),
  ) as { [K in keyof T]: T[K] & { content: object } };
}

/** Declared here so the card is in it (the document adds its headers: rate-limit/openapi.ts). */
const rateLimited = { 429: { description: "A rate limit budget is spent; see `Retry-After`." } };

const ok = (description: string) => ({
  200: { description, headers: cardHeaders, content: svg },
  ...notModifiedResponse,
});

const githubCard = <P extends typeof UserParamSchema | typeof RepoParamSchema>(
  operationId: string,
  path: string,
  summary: string,
  params: P,
) =>
  createRoute({
    operationId,
    // Public: an embedded image is fetched without credentials (by GitHub's image proxy or a
    // browser), so no token is read; each call made to GitHub is charged as for the JSON routes.
    ...routeOptions({ access: publicAccess, limits: ["github", "github_upstream"] }),
    method: "get",
    path,
    tags: ["Cards"],
    summary,
    request: { params, query: CardQuerySchema, headers: z.object(ifNoneMatchHeader) },
    responses: {
      ...ok(summary),
      ...asCards({ ...notFoundResponse, ...upstreamFailures, ...rateLimited, ...commonErrorResponses }),
    },
  });

export const statsCardRoute = githubCard(
  "getGithubStatsCard",
  "/cards/github/users/{username}/stats.svg",
  "Profile stats card: stars, forks, followers and own repositories",
  UserParamSchema,
);

export const languagesCardRoute = githubCard(
  "getGithubLanguagesCard",
  "/cards/github/users/{username}/languages.svg",
  "Top languages card: bytes of code per language over the 10 most-starred own repositories (forks excluded)",
  UserParamSchema,
);

export const pinCardRoute = githubCard(
  "getGithubPinCard",
  "/cards/github/repos/{owner}/{repo}/pin.svg",
  "Repository pin card: name, description, language, stars and forks",
  RepoParamSchema,
);

export const pollCardRoute = createRoute({
  operationId: "getPollResultsCard",
  ...routeOptions({ access: publicAccess }),
  method: "get",
  path: "/cards/polls/{id}/results.svg",
  tags: ["Cards"],
  summary: "Poll results card: live tallies, shown only when the poll's results are public",
  request: { params: IdParamSchema, query: CardQuerySchema, headers: z.object(ifNoneMatchHeader) },
  responses: {
    ...ok("The poll's results."),
    ...asCards({
      403: {
        description:
          "The poll's results are not public yet (results_visibility): the card says so and shows no tally.",
      },
      ...notFoundResponse,
      ...rateLimited,
      ...unavailableResponse,
      ...commonErrorResponses,
    }),
  },
});

export type StatsCardRoute = typeof statsCardRoute;
export type LanguagesCardRoute = typeof languagesCardRoute;
export type PinCardRoute = typeof pinCardRoute;
export type PollCardRoute = typeof pollCardRoute;
