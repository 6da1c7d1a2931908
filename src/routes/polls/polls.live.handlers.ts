import { ApiError } from "../../lib/problem.ts";
import { refuseCrossOrigin } from "../../lib/same-origin.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { connectLiveResults } from "./polls.live.connect.ts";
import { loadPoll } from "./polls.read.ts";
import type { LiveResultsRoute } from "./polls.routes.ts";
import { ownerOrAdmin, resultsAccess, resultsHidden } from "./polls.visibility.ts";

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
  // A page on another site must not make its visitors' browsers hold sockets open here.
  if (!caller) {
    refuseCrossOrigin(c, {
      unknown: "allow",
      detail:
        "Live results without a bearer token are served to this site's pages and to API clients, not to other sites.",
    });
  }
  const { poll } = await loadPoll(c, id, { caller });
  const access = resultsAccess(poll, caller);
  if (access === "hidden-until-vote") throw resultsHidden(access);
  // The audience is fixed when the socket opens, but an owner can reopen a closed poll (a new
  // `closes_at`). So on an `after_close` poll only those who may always see results follow the
  // counts; everyone else waits for a close, which the object sends them with the final result.
  const follows =
    access === "visible" && (poll.results_visibility !== "after_close" || ownerOrAdmin(poll, caller));
  return connectLiveResults(c, id, follows ? "results" : "closed-only");
};
