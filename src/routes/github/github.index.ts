import { createRouter } from "../../lib/openapi.ts";
import * as handlers from "./github.handlers.ts";
import * as orgs from "./github.orgs.handlers.ts";
import * as orgRoutes from "./github.orgs.routes.ts";
import { upstreamAccounting } from "./github.quota.ts";
import * as repos from "./github.repos.handlers.ts";
import * as repoRoutes from "./github.repos.routes.ts";
import * as routes from "./github.routes.ts";

/** Public data: no token needed from our clients; our own GitHub token stays server-side. */
export const githubRouter = createRouter();
githubRouter.use("/github/*", upstreamAccounting());
githubRouter
  .openapi(routes.userReposRoute, handlers.userRepos)
  .openapi(routes.userProfileRoute, handlers.userProfile)
  .openapi(routes.repoRoute, handlers.repository)
  .openapi(orgRoutes.orgRoute, orgs.organisation)
  .openapi(orgRoutes.orgReposRoute, orgs.organisationRepos)
  .openapi(repoRoutes.contributorsRoute, repos.contributors)
  .openapi(repoRoutes.releasesRoute, repos.releases)
  .openapi(repoRoutes.latestReleaseRoute, repos.latestRelease)
  .openapi(repoRoutes.readmeRoute, repos.readme)
  .openapi(repoRoutes.starsRoute, repos.stars);
