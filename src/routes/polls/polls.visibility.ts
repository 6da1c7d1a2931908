import type { Caller } from "../../env.ts";
import type { Poll } from "./polls.schemas.ts";

export type ResultsAccess = "visible" | "hidden-until-vote" | "hidden-until-close";

/**
 * The one rule for who may see a poll's results, shared by the REST read and the live
 * channel: the owner and admins always; others as `results_visibility` says.
 */
export function resultsAccess(
  poll: Pick<Poll, "owner_id" | "results_visibility" | "status" | "has_voted">,
  caller: Caller | undefined,
): ResultsAccess {
  if (alwaysSeesResults(poll, caller)) return "visible";
  if (poll.results_visibility === "after_vote" && !poll.has_voted) return "hidden-until-vote";
  if (poll.results_visibility === "after_close" && poll.status !== "closed") return "hidden-until-close";
  return "visible";
}

/** The poll's owner and admins see results whatever `results_visibility` says. */
export function alwaysSeesResults(poll: Pick<Poll, "owner_id">, caller: Caller | undefined): boolean {
  return caller !== undefined && (caller.userId === poll.owner_id || caller.role === "admin");
}
