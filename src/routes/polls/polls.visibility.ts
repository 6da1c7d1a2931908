import type { Caller } from "../../env.ts";
import { ApiError } from "../../lib/problem.ts";
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
  if (ownerOrAdmin(poll, caller)) return "visible";
  if (poll.results_visibility === "after_vote" && !poll.has_voted) return "hidden-until-vote";
  if (poll.results_visibility === "after_close" && poll.status !== "closed") return "hidden-until-close";
  return "visible";
}

const HIDDEN_DETAIL: Record<Exclude<ResultsAccess, "visible">, string> = {
  "hidden-until-vote": "Results of this poll are shown after you vote.",
  "hidden-until-close": "Results of this poll are shown once it closes.",
};

/** The problem for results this caller may not see yet. */
export const resultsHidden = (access: Exclude<ResultsAccess, "visible">) =>
  new ApiError("results-hidden", { detail: HIDDEN_DETAIL[access] });

/**
 * The poll's owner and admins: they see results whatever `results_visibility` says, and
 * the poll's `owner_id`.
 */
export function ownerOrAdmin(poll: Pick<Poll, "owner_id">, caller: Caller | undefined): boolean {
  return caller !== undefined && (caller.userId === poll.owner_id || caller.role === "admin");
}

/**
 * `owner_id` and `created_by` for the owner and admins only: an account id is a UUIDv7, so
 * showing it to everyone would publish when each poll's author signed up, and link their
 * polls together; which credential (session or key id) made the poll is the owner's business.
 */
export function ownerFor<T extends Pick<Poll, "owner_id" | "created_by">>(
  poll: T,
  caller: Caller | undefined,
): T {
  if (ownerOrAdmin(poll, caller)) return poll;
  const { owner_id: _owner, created_by: _createdBy, ...rest } = poll;
  return rest as T;
}
