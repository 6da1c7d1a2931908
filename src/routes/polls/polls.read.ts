/**
 * What every poll read shares (the handlers, the vote, the results and the live upgrade):
 * the poll as this caller sees it, the problem for a missing one, and the conditional answer.
 */
import type { Context } from "hono";
import type { AppEnv, Caller } from "../../env.ts";
import { contentEtag, ifNoneMatchHits } from "../../lib/etag.ts";
import { ApiError } from "../../lib/problem.ts";
import { requestInviteHash } from "./polls.invite-token.ts";
import type { Poll } from "./polls.schemas.ts";
import * as service from "./polls.service.ts";
import { ownerFor } from "./polls.visibility.ts";
import { callerVoterKeys, readVoterCookie } from "./polls.voter.ts";

export const notFound = (id: string) => new ApiError("not-found", { detail: `Poll ${id} does not exist.` });

/** The poll as this caller sees it (`has_voted`); `withCounts` adds the vote totals results need. */
export async function loadPoll<E extends AppEnv>(
  c: Context<E>,
  id: string,
  { withCounts = false, caller = c.var.caller }: { withCounts?: boolean; caller?: Caller } = {},
) {
  const cookie = await readVoterCookie(c);
  const poll = await service.getPoll(c.var.db, id, callerVoterKeys(caller?.userId, cookie), {
    withCounts,
    inviteHash: await requestInviteHash(c),
  });
  if (!poll) throw notFound(id);
  return { poll, cookie };
}

/**
 * The poll as the API shows it to this caller: the tallies read for results are not part of
 * it, and `owner_id` only for whom it concerns (see ownerFor).
 */
export function pollDto(poll: service.PollRead, caller: Caller | undefined): Poll {
  const { total_voters: _total, ...rest } = poll;
  return {
    ...ownerFor(rest, caller),
    questions: poll.questions.map(({ voters: _voters, choices, ...question }) => ({
      ...question,
      choices: choices.map(({ votes: _votes, ...choice }) => choice),
    })),
  };
}

/**
 * Sets an ETag of the bytes about to be sent; true when the client already holds them (304).
 * `private, no-cache`: the body depends on the caller (has_voted, visibility), and every
 * reuse is revalidated, which costs one cheap read and no body.
 */
export async function notModified(c: Context<AppEnv>, body: string): Promise<boolean> {
  const etag = await contentEtag(body);
  c.header("ETag", etag);
  c.header("Cache-Control", "private, no-cache");
  return ifNoneMatchHits(c.req.header("If-None-Match"), etag);
}
