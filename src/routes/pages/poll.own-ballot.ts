import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { readOwnBallot } from "../polls/polls.ballot.service.ts";
import type { PollRead } from "../polls/polls.service.ts";
import type { VoterCookie } from "../polls/polls.voter.ts";

/**
 * The choice ids this browser voted for, as far as the server can tell on its own: the voter
 * cookie on an anonymous poll. A signed-in account's token and an invitation live in the tab,
 * out of the server's sight: the page's script asks `votes/mine` for those.
 */
export async function cookieBallotChoices(
  c: Context<AppEnv>,
  poll: Pick<PollRead, "id" | "voters" | "has_voted">,
  cookie: VoterCookie,
): Promise<Set<string>> {
  if (!poll.has_voted || poll.voters !== "anonymous" || cookie.state !== "valid") return new Set();
  const ballot = await readOwnBallot(c.var.db, poll.id, {
    userId: undefined,
    cookieVoterId: cookie.id,
    inviteHash: null,
  });
  if (typeof ballot === "string") return new Set();
  return new Set(ballot.answers.flatMap((answer) => answer.choice_ids));
}
