import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { connectLiveResults } from "./polls.live-notify.ts";
import type { LiveResultsRoute } from "./polls.routes.ts";
import * as service from "./polls.service.ts";
import { alwaysSeesResults, resultsAccess } from "./polls.visibility.ts";
import { callerVoterKeys, readVoterCookie } from "./polls.voter.ts";

/**
 * `GET /polls/{id}/results/live`: checks the upgrade and the caller's right to see results
 * exactly as the REST read does, then hands the socket to the poll's live object.
 */
export const liveResults: AppRouteHandler<LiveResultsRoute> = async (c) => {
  const { id } = c.req.valid("param");
  if (c.req.header("Upgrade")?.toLowerCase() !== "websocket") {
    throw new ApiError("upgrade-required", {
      detail: "This endpoint speaks WebSocket only: send `Upgrade: websocket`.",
      headers: { Upgrade: "websocket" },
    });
  }
  const caller = c.var.caller;
  const keys = callerVoterKeys(caller?.userId, await readVoterCookie(c));
  const poll = await service.getPoll(c.var.db, id, keys);
  if (!poll) throw new ApiError("not-found", { detail: `Poll ${id} does not exist.` });
  const access = resultsAccess(poll, caller);
  if (access === "hidden-until-vote") {
    throw new ApiError("results-hidden", { detail: "Results of this poll are shown after you vote." });
  }
  // The audience is fixed when the socket opens, but an owner can reopen a closed poll (a new
  // `closes_at`). So on an `after_close` poll only those who may always see results follow the
  // counts; everyone else waits for a close, which the object sends them with the final result.
  const follows =
    access === "visible" && (poll.results_visibility !== "after_close" || alwaysSeesResults(poll, caller));
  return connectLiveResults(c, id, follows ? "results" : "closed-only");
};
