import { createRouter } from "../../lib/openapi.ts";
import { optionalAuth, requireAuth } from "../../middleware/auth.ts";
import * as handlers from "./polls.handlers.ts";
import { liveResults } from "./polls.live.ts";
import * as routes from "./polls.routes.ts";

export const pollsRouter = createRouter();

// Reading and (anonymous-poll) voting work without a token; writes to polls need one.
pollsRouter.on(["POST"], "/polls", requireAuth());
pollsRouter.on(["PATCH", "DELETE"], "/polls/:id", requireAuth());
pollsRouter.on(["POST"], "/polls/:id/close", requireAuth());
pollsRouter.on(
  ["GET"],
  ["/polls", "/polls/:id", "/polls/:id/results", "/polls/:id/results.csv", "/polls/:id/results/live"],
  optionalAuth(),
);
pollsRouter.on(["POST"], "/polls/:id/votes", optionalAuth());

pollsRouter
  .openapi(routes.createPollRoute, handlers.createPoll)
  .openapi(routes.listPollsRoute, handlers.listPolls)
  .openapi(routes.resultsCsvRoute, handlers.resultsCsvHandler)
  .openapi(routes.liveResultsRoute, liveResults)
  .openapi(routes.resultsRoute, handlers.results)
  .openapi(routes.getPollRoute, handlers.getPoll)
  .openapi(routes.updatePollRoute, handlers.updatePoll)
  .openapi(routes.closePollRoute, handlers.closePoll)
  .openapi(routes.deletePollRoute, handlers.deletePoll)
  .openapi(routes.voteRoute, handlers.vote);
