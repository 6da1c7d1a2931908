import { createRouter } from "../../lib/openapi.ts";
import * as handlers from "./github.handlers.ts";
import * as routes from "./github.routes.ts";

/** Public data: no token needed from our clients; our own GitHub token stays server-side. */
export const githubRouter = createRouter()
  .openapi(routes.userReposRoute, handlers.userRepos)
  .openapi(routes.userProfileRoute, handlers.userProfile)
  .openapi(routes.repoRoute, handlers.repository);
