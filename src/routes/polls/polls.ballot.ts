/**
 * The caller's own ballot: reading, replacing and withdrawing it, and the problem that says
 * why not. Shared by the JSON routes and the poll page's form posts.
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { recordResultsChanged } from "../../events/poll-results-event.ts";
import { ApiError } from "../../lib/problem.ts";
import type { OwnBallot } from "./polls.ballot.schemas.ts";
import { type BallotOwner, changeBallot, ownBallotOf, readOwnBallot } from "./polls.ballot.service.ts";
import { requestInviteHash } from "./polls.invite-token.ts";
import { notifyLiveResults } from "./polls.live.notify.ts";
import { notFound } from "./polls.read.ts";
import type { VoteInput } from "./polls.schemas.ts";
import { invalidAnswers, refuseCrossSiteBallot, sharedRefusal } from "./polls.vote.ts";
import { readVoterCookie } from "./polls.voter.ts";

/** The identities the caller brings: an account, and a voter cookie only when this API issued it. */
async function ballotOwner(c: Context<AppEnv>): Promise<BallotOwner> {
  const cookie = await readVoterCookie(c);
  return {
    userId: c.var.caller?.userId,
    cookieVoterId: cookie.state === "valid" ? cookie.id : null,
    inviteHash: await requestInviteHash(c),
  };
}

const noBallot = () =>
  new ApiError("ballot-not-found", {
    detail:
      "You have no ballot in this poll (anonymous polls know you by the voter cookie of the browser you voted with).",
  });

export async function readMyBallot(c: Context<AppEnv>, id: string): Promise<OwnBallot> {
  const ballot = await readOwnBallot(c.var.db, id, await ballotOwner(c));
  if (ballot === "not_found") throw notFound(id);
  if (ballot === "no_ballot") throw noBallot();
  return ballot;
}

/**
 * Replaces the caller's answers (`answers`: the ballot as it now stands) or withdraws the
 * ballot (`null`), or throws the problem that says why not. Live subscribers hear of it as
 * of a vote. One statement either way: the change's own answer is the ballot.
 */
export async function changeMyBallot(
  c: Context<AppEnv>,
  id: string,
  answers: VoteInput["answers"],
): Promise<OwnBallot>;
export async function changeMyBallot(c: Context<AppEnv>, id: string, answers: null): Promise<"withdrawn">;
export async function changeMyBallot(
  c: Context<AppEnv>,
  id: string,
  answers: VoteInput["answers"] | null,
): Promise<OwnBallot | "withdrawn"> {
  refuseCrossSiteBallot(c);
  const outcome = await changeBallot(c.var.db, id, await ballotOwner(c), answers);
  switch (outcome.status) {
    case "changed":
    case "withdrawn":
      c.var.log.info("event", outcome.status === "changed" ? "poll.vote_changed" : "poll.vote_withdrawn", {
        poll_id: id,
        ballot_id: outcome.ballot_id,
        user_id: c.var.caller?.userId,
      });
      notifyLiveResults(c, id, "resultsChanged");
      await recordResultsChanged(c.var.db, id, { knownOwnerId: outcome.owner_id });
      if (outcome.status === "withdrawn") return "withdrawn";
      if (!outcome.ballot) throw new Error("change_ballot changed a ballot without returning it");
      // Changed just now, so open and allowing changes: it may change again.
      return ownBallotOf(id, outcome.ballot_id as string, true, outcome.ballot);
    case "not_found":
    case "closed":
    case "auth_required":
    case "invite_required":
      throw sharedRefusal(outcome.status, id);
    case "changes_disabled":
      throw new ApiError("vote-changes-disabled", {
        detail: "This poll does not allow changing or withdrawing a ballot once cast.",
      });
    case "invalid":
      throw invalidAnswers(outcome.errors, answers ?? []);
    case "no_ballot":
      throw noBallot();
    default: {
      const unknown: never = outcome.status;
      throw new Error(`change_ballot returned an unknown status: ${String(unknown)}`);
    }
  }
}
