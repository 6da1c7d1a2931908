import type { Caller } from "../../env.ts";
import type { AppRouteHandler } from "../../lib/handler.ts";
import { ApiError } from "../../lib/problem.ts";
import { callerFromJwt } from "../../middleware/auth.ts";
import { bearerFromProtocols, connectLiveResults } from "../../polls/live.ts";
import { resultsAccess } from "../../polls/visibility.ts";
import { callerVoterKeys, readVoterCookie } from "../../polls/voter.ts";
import type { LiveResultsRoute } from "./polls.routes.ts";
import * as service from "./polls.service.ts";

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
  const caller = c.var.caller ?? (await callerFromProtocol(c));
  const keys = callerVoterKeys(caller?.userId, await readVoterCookie(c));
  const poll = await service.getPoll(c.var.db, id, keys, false);
  if (!poll) throw new ApiError("not-found", { detail: `Poll ${id} does not exist.` });
  const access = resultsAccess(poll, caller);
  if (access === "hidden-until-vote") {
    throw new ApiError("results-hidden", { detail: "Results of this poll are shown after you vote." });
  }
  return connectLiveResults(c, id, access === "visible" ? "results" : "closed-only");
};

async function callerFromProtocol(c: Parameters<typeof liveResults>[0]): Promise<Caller | undefined> {
  const token = bearerFromProtocols(c);
  if (!token) return undefined;
  return callerFromJwt(c, token);
}
