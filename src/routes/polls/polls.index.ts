import { createRouter } from "../../lib/openapi.ts";
import * as ballotHandlers from "./polls.ballot.handlers.ts";
import * as ballotRoutes from "./polls.ballot.routes.ts";
import * as handlers from "./polls.handlers.ts";
import * as inviteHandlers from "./polls.invites.handlers.ts";
import * as inviteRoutes from "./polls.invites.routes.ts";
import { liveResults } from "./polls.live.handlers.ts";
import { results, resultsCsvHandler } from "./polls.results.handlers.ts";
import * as routes from "./polls.routes.ts";

/**
 * Reading and (anonymous-poll) voting work without a token, writes to polls need one:
 * each route declares which in polls.routes.ts.
 */
export const pollsRouter = createRouter()
  .openapi(routes.createPollRoute, handlers.createPoll)
  .openapi(routes.listPollsRoute, handlers.listPolls)
  .openapi(routes.resultsCsvRoute, resultsCsvHandler)
  .openapi(routes.liveResultsRoute, liveResults)
  .openapi(routes.resultsRoute, results)
  .openapi(routes.getPollRoute, handlers.getPoll)
  .openapi(routes.updatePollRoute, handlers.updatePoll)
  .openapi(routes.closePollRoute, handlers.closePoll)
  .openapi(routes.deletePollRoute, handlers.deletePoll)
  .openapi(routes.voteRoute, handlers.vote)
  .openapi(ballotRoutes.getOwnBallotRoute, ballotHandlers.getOwnBallot)
  .openapi(ballotRoutes.replaceOwnBallotRoute, ballotHandlers.replaceOwnBallot)
  .openapi(ballotRoutes.withdrawOwnBallotRoute, ballotHandlers.withdrawOwnBallot)
  .openapi(inviteRoutes.createInviteRoute, inviteHandlers.createInvite)
  .openapi(inviteRoutes.listInvitesRoute, inviteHandlers.listInvites)
  .openapi(inviteRoutes.revokeInviteRoute, inviteHandlers.revokeInvite);
