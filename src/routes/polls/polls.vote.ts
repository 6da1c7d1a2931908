/**
 * Casting a ballot through `cast_ballot` and turning its verdict into a response or a
 * problem. Shared by the JSON vote route and the poll page's plain form post.
 */
import type { Context } from "hono";
import { createdByOf } from "../../audit/created-by.ts";
import { bearerRequired } from "../../auth/tokens.ts";
import type { AppEnv } from "../../env.ts";
import { recordResultsChanged } from "../../events/poll-results-event.ts";
import { ApiError, type FieldError } from "../../lib/problem.ts";
import { refuseCrossOrigin, requestSite } from "../../lib/same-origin.ts";
import { INVITE_HEADER, requestInviteHash } from "./polls.invite-token.ts";
import { notifyLiveResults } from "./polls.live.notify.ts";
import { notFound } from "./polls.read.ts";
import type { Ballot, VoteInput } from "./polls.schemas.ts";
import { type BallotOutcome, castBallot } from "./polls.vote.service.ts";
import {
  clientAddressHash,
  issueVoterCookie,
  newVoterId,
  readVoterCookie,
  type VoterCookie,
} from "./polls.voter.ts";

const PROBLEM_MESSAGES: Record<string, string> = {
  unanswered: "This question needs an answer.",
  single_choice: "This question allows exactly one choice.",
  too_many: "Too many choices for this question.",
  unknown_question: "No such question in this poll.",
  unknown_choice: "This choice does not belong to that question.",
};

/** The database's verdict on each answer, as field errors pointing into the request body. */
function ballotFieldErrors(
  errors: NonNullable<BallotOutcome["errors"]>,
  answers: VoteInput["answers"],
): FieldError[] {
  return errors.map((error) => {
    const index = answers.findIndex((answer) => answer.question_id === error.question_id);
    const base = index >= 0 ? `body.answers.${index}` : "body.answers";
    const choiceIndex = error.choice_id ? (answers[index]?.choice_ids.indexOf(error.choice_id) ?? -1) : -1;
    const path =
      error.problem === "unknown_choice" && choiceIndex >= 0
        ? `${base}.choice_ids.${choiceIndex}`
        : error.problem === "unknown_question"
          ? `${base}.question_id`
          : index >= 0
            ? `${base}.choice_ids`
            : "body.answers";
    const suffix = error.problem === "too_many" ? ` (at most ${error.max_selections})` : "";
    return {
      path,
      message: `${PROBLEM_MESSAGES[error.problem] ?? "Invalid answer."}${suffix} [question ${error.question_id}]`,
    };
  });
}

/** The refusals casting and changing a ballot share, by the status the database returned. */
export function sharedRefusal(
  status: "not_found" | "closed" | "auth_required" | "invite_required",
  id: string,
): ApiError {
  if (status === "not_found") return notFound(id);
  if (status === "closed") return pollClosed();
  if (status === "auth_required")
    return bearerRequired("This poll takes votes from signed-in accounts only.");
  return inviteRequired();
}

const inviteRequired = () =>
  new ApiError("invite-required", {
    detail: `This poll takes ballots through invitations only: send yours in the ${INVITE_HEADER} header. A revoked invitation admits nothing.`,
  });

export const pollClosed = () =>
  new ApiError("poll-closed", { detail: "This poll is closed; no votes are accepted or changed." });

export const invalidAnswers = (errors: BallotOutcome["errors"], answers: VoteInput["answers"]) =>
  new ApiError("validation-failed", {
    detail: "Some answers do not fit the poll.",
    errors: ballotFieldErrors(errors ?? [], answers),
  });

/** Ballots sent by a browser on its cookie alone are accepted from this site only (see castVote). */
export function refuseCrossSiteBallot(c: Context<AppEnv>) {
  if (c.var.caller) return;
  refuseCrossOrigin(c, {
    unknown: "allow",
    detail:
      "Ballots without a bearer token are accepted from this site's pages and from API clients, not from other sites.",
  });
}

/**
 * The browser id an anonymous ballot is cast under, or null when the ballot is refused
 * (`cookie_required`): the voter cookie this API issued (GET /polls/{id} and the poll page's
 * script set it), else a new one only when the request cannot be a drive-by from another
 * site: it carries a bearer token (not ambient) or the browser says it comes from this site.
 * So a page elsewhere cannot make its visitors' browsers cast ballots: it gets no cookie
 * (SameSite=Lax) and no proof, and a cross-site request is refused before this anyway.
 */
function voterIdFor(c: Context<AppEnv>, cookie: VoterCookie): string | null {
  if (cookie.state === "valid") return cookie.id;
  if (cookie.state === "tampered") return null;
  return c.var.caller || requestSite(c) === "same-origin" ? newVoterId() : null;
}

/**
 * Casts one ballot for the caller (account and/or voter cookie) or throws the problem that
 * says why not. Shared by the JSON API and the poll page's plain form post.
 */
export async function castVote(
  c: Context<AppEnv>,
  id: string,
  answers: VoteInput["answers"],
): Promise<Ballot> {
  const caller = c.var.caller;
  refuseCrossSiteBallot(c);
  const cookie = await readVoterCookie(c);
  const cookieVoterId = voterIdFor(c, cookie);
  const outcome = await castBallot(c.var.db, {
    pollId: id,
    userId: caller?.userId,
    cookieVoterId,
    inviteHash: await requestInviteHash(c),
    ipHash: await clientAddressHash(c, id, c.var.client.key),
    answers,
    createdBy: createdByOf(caller),
  });
  if (outcome.voters === "anonymous" && cookie.state !== "valid") {
    await issueVoterCookie(c, cookieVoterId ?? newVoterId());
  }
  switch (outcome.status) {
    case "voted":
      c.var.log.info("event", "poll.voted", {
        poll_id: id,
        ballot_id: outcome.ballot_id,
        user_id: caller?.userId,
      });
      notifyLiveResults(c, id, "resultsChanged");
      await recordResultsChanged(c.var.db, id);
      return { ballot_id: outcome.ballot_id as string, poll_id: id };
    case "not_found":
    case "closed":
    case "auth_required":
    case "invite_required":
      throw sharedRefusal(outcome.status, id);
    case "cookie_required":
      throw new ApiError("invalid-voter-cookie", {
        detail:
          cookie.state === "missing"
            ? "An anonymous ballot needs the voter cookie this API sets (GET /polls/{id} sets it). None was sent; one has been set: vote again, sending it back."
            : "The voter cookie was altered or forged. A new one has been set; vote again.",
        headers: { "Set-Cookie": c.res.headers.get("Set-Cookie") ?? "" },
      });
    case "invalid":
      throw invalidAnswers(outcome.errors, answers);
    case "ip_limit":
      throw new ApiError("vote-limit-reached", {
        detail: `This network address has cast the maximum of ${outcome.limit} ballots for this poll.`,
      });
    case "already_voted":
      throw new ApiError("already-voted", {
        detail: "You have already voted in this poll; your ballot is unchanged.",
      });
    default: {
      // A status cast_ballot can return but this switch does not know is a bug here, not a vote.
      const unknown: never = outcome.status;
      throw new Error(`cast_ballot returned an unknown status: ${String(unknown)}`);
    }
  }
}
