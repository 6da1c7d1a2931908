import type { Context } from "hono";
import { requireSigningKeys } from "../../config.ts";
import type { AppEnv } from "../../env.ts";
import { decodeCursor, encodeCursor, nextLink } from "../../lib/cursor.ts";
import { contentEtag, ifNoneMatchHits } from "../../lib/etag.ts";
import type { AppRouteHandler } from "../../lib/handler.ts";
import { ApiError, type FieldError } from "../../lib/problem.ts";
import { authedCaller } from "../../middleware/auth.ts";
import { notifyLiveResults } from "../../polls/live.ts";
import { buildResults, resultsCsv } from "../../polls/results.ts";
import { resultsAccess } from "../../polls/visibility.ts";
import {
  callerVoterKeys,
  clientAddressHash,
  issueVoterCookie,
  newVoterId,
  readVoterCookie,
} from "../../polls/voter.ts";
import { spendBudget } from "../../rate-limit/budgets.ts";
import { clientKey } from "../../rate-limit/enforce.ts";
import type * as routes from "./polls.routes.ts";
import * as service from "./polls.service.ts";
import { isStatsListing, pollStatsPage } from "./polls.stats.ts";

const notFound = (id: string) => new ApiError("not-found", { detail: `Poll ${id} does not exist.` });

async function loadPoll(c: Context<AppEnv>, id: string, withCounts: boolean) {
  const cookie = await readVoterCookie(c);
  const poll = await service.getPoll(c.var.db, id, callerVoterKeys(c.var.caller?.userId, cookie), withCounts);
  if (!poll) throw notFound(id);
  return { poll, cookie };
}

function pollDto(poll: NonNullable<Awaited<ReturnType<typeof service.getPoll>>>) {
  const { total_voters: _total, ...rest } = poll;
  return {
    ...rest,
    questions: poll.questions.map(({ voters: _voters, choices, ...question }) => ({
      ...question,
      choices: choices.map(({ votes: _votes, ...choice }) => choice),
    })),
  };
}

export const createPoll: AppRouteHandler<routes.CreatePollRoute> = async (c) => {
  const input = c.req.valid("json");
  const caller = authedCaller(c);
  const id = await service.createPoll(c.var.db, caller.userId, input);
  const { poll } = await loadPoll(c, id, false);
  c.var.log.info("event", "poll.created", { poll_id: id, user_id: caller.userId });
  c.header("Location", `/polls/${id}`);
  return c.json(pollDto(poll), 201);
};

export const getPoll: AppRouteHandler<routes.GetPollRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const { poll, cookie } = await loadPoll(c, id, false);
  // "One vote per browser" needs the browser marked before it votes.
  if (poll.voters === "anonymous" && cookie.state !== "valid") await issueVoterCookie(c, newVoterId());
  const dto = pollDto(poll);
  if (await notModified(c, JSON.stringify(dto))) return c.body(null, 304);
  return c.json(dto, 200);
};

export const listPolls: AppRouteHandler<routes.ListPollsRoute> = async (c) => {
  const query = c.req.valid("query");
  const caller = c.var.caller;
  if (query.mine && !caller) {
    throw new ApiError("unauthorized", {
      detail: "mine=true needs a bearer token.",
      headers: { "WWW-Authenticate": 'Bearer realm="devhub-api"' },
    });
  }
  if (isStatsListing(query)) return c.json(await pollStatsPage(c, query, caller), 200);
  const owner = query.mine ? caller?.userId : undefined;
  const scope = JSON.stringify({ kind: "polls", owner, status: query.status });
  const secret = requireSigningKeys(c.var.config).cursor;
  const after = query.cursor
    ? await decodeCursor<service.PollsPosition>(secret, scope, query.cursor)
    : undefined;
  const page = await service.listPolls(c.var.db, query, owner, after);
  const next = page.hasMore && page.last ? await encodeCursor(secret, scope, page.last) : null;
  if (next) c.header("Link", nextLink(c.req.url, next));
  return c.json({ items: page.items, next_cursor: next }, 200);
};

export const updatePoll: AppRouteHandler<routes.UpdatePollRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const outcome = await service.updatePoll(c.var.db, id, authedCaller(c).userId, c.req.valid("json"));
  if (outcome === "not_found") throw notFound(id);
  if (outcome === "forbidden")
    throw new ApiError("forbidden", { detail: "Only the poll's owner may edit it." });
  if (outcome === "has_votes") {
    throw new ApiError("poll-has-votes", {
      detail:
        "Questions and choices cannot change once someone has voted; title, description and closes_at still can.",
    });
  }
  notifyLiveResults(c, id, "pollEdited");
  const { poll } = await loadPoll(c, id, false);
  return c.json(pollDto(poll), 200);
};

export const closePoll: AppRouteHandler<routes.ClosePollRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const caller = authedCaller(c);
  const result = await service.closePoll(c.var.db, id, caller.userId);
  if (!result?.found) throw notFound(id);
  if (!result.owner_ok) throw new ApiError("forbidden", { detail: "Only the poll's owner may close it." });
  if (result.newly_closed) {
    c.var.log.info("event", "poll.closed", { poll_id: id, user_id: caller.userId });
    notifyLiveResults(c, id, "pollClosed");
  }
  const { poll } = await loadPoll(c, id, false);
  return c.json(pollDto(poll), 200);
};

export const deletePoll: AppRouteHandler<routes.DeletePollRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const caller = authedCaller(c);
  const result = await service.deletePoll(c.var.db, id, caller.userId, caller.role === "admin");
  if (!result?.found) throw notFound(id);
  if (!result.allowed)
    throw new ApiError("forbidden", { detail: "Only the poll's owner or an admin may delete it." });
  if (caller.role === "admin" && result.owner_id !== caller.userId) {
    c.var.log.info("admin", "poll.deleted_by_admin", {
      poll_id: id,
      admin_id: caller.userId,
      owner_id: result.owner_id,
    });
  }
  c.var.log.info("event", "poll.deleted", { poll_id: id, user_id: caller.userId });
  notifyLiveResults(c, id, "pollDeleted");
  return c.body(null, 204);
};

const PROBLEM_MESSAGES: Record<string, string> = {
  unanswered: "This question needs an answer.",
  single_choice: "This question allows exactly one choice.",
  too_many: "Too many choices for this question.",
  unknown_question: "No such question in this poll.",
  unknown_choice: "This choice does not belong to that question.",
};

function ballotFieldErrors(
  errors: NonNullable<service.BallotOutcome["errors"]>,
  answers: Array<{ question_id: string; choice_ids: string[] }>,
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

export const vote: AppRouteHandler<routes.VoteRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const { answers } = c.req.valid("json");
  return c.json(await castVote(c, id, answers), 201);
};

/**
 * Casts one ballot for the caller (account and/or voter cookie) or throws the problem that
 * says why not. Shared by the JSON API and the poll page's plain form post.
 */
export async function castVote(
  c: Context<AppEnv>,
  id: string,
  answers: Array<{ question_id: string; choice_ids: string[] }>,
): Promise<{ ballot_id: string; poll_id: string }> {
  const caller = c.var.caller;
  await spendBudget(c, "vote", clientKey(c));
  const cookie = await readVoterCookie(c);
  const cookieVoterId =
    cookie.state === "valid" ? cookie.id : cookie.state === "missing" ? newVoterId() : null;
  const outcome = await service.castBallot(c.var.db, {
    pollId: id,
    userId: caller?.userId,
    cookieVoterId,
    ipHash: await clientAddressHash(c, id, clientKey(c)),
    answers,
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
      return { ballot_id: outcome.ballot_id as string, poll_id: id };
    case "not_found":
      throw notFound(id);
    case "closed":
      throw new ApiError("poll-closed", { detail: "This poll is closed; no more votes are accepted." });
    case "auth_required":
      throw new ApiError("unauthorized", {
        detail: "This poll takes votes from signed-in accounts only.",
        headers: { "WWW-Authenticate": 'Bearer realm="devhub-api"' },
      });
    case "cookie_required":
      throw new ApiError("invalid-voter-cookie", {
        detail: "The voter cookie was altered or forged. A new one has been set; vote again.",
        headers: { "Set-Cookie": c.res.headers.get("Set-Cookie") ?? "" },
      });
    case "invalid":
      throw new ApiError("validation-failed", {
        detail: "Some answers do not fit the poll.",
        errors: ballotFieldErrors(outcome.errors ?? [], answers),
      });
    case "ip_limit":
      throw new ApiError("vote-limit-reached", {
        detail: `This network address has cast the maximum of ${outcome.limit} ballots for this poll.`,
      });
    default:
      throw new ApiError("already-voted", {
        detail: "You have already voted in this poll; your ballot is unchanged.",
      });
  }
}

/** Results respect the poll's visibility rule; the owner and admins always see them. */
async function visibleResults(c: Context<AppEnv>, id: string) {
  const { poll } = await loadPoll(c, id, true);
  const access = resultsAccess(poll, c.var.caller);
  if (access === "hidden-until-vote") {
    throw new ApiError("results-hidden", { detail: "Results of this poll are shown after you vote." });
  }
  if (access === "hidden-until-close") {
    throw new ApiError("results-hidden", { detail: "Results of this poll are shown once it closes." });
  }
  return buildResults(poll);
}

/**
 * Sets an ETag of the bytes about to be sent; true when the client already holds them (304).
 * `private, no-cache`: the body depends on the caller (has_voted, visibility), and every
 * reuse is revalidated, which costs one cheap read and no body.
 */
async function notModified(c: Context<AppEnv>, body: string): Promise<boolean> {
  const etag = await contentEtag(body);
  c.header("ETag", etag);
  c.header("Cache-Control", "private, no-cache");
  return ifNoneMatchHits(c.req.header("If-None-Match"), etag);
}

async function csvResponse(c: Context<AppEnv>, id: string, csv: string) {
  c.header("Content-Disposition", `attachment; filename="poll-${id}-results.csv"`);
  if (await notModified(c, csv)) return c.body(null, 304);
  return c.body(csv, 200, { "Content-Type": "text/csv; charset=utf-8; header=present" });
}

export const results: AppRouteHandler<routes.ResultsRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const data = await visibleResults(c, id);
  const accept = c.req.header("Accept") ?? "";
  c.header("Vary", "Accept");
  if (/\btext\/csv\b/i.test(accept) && !/application\/json/i.test(accept))
    return csvResponse(c, id, resultsCsv(data));
  if (await notModified(c, JSON.stringify(data))) return c.body(null, 304);
  return c.json(data, 200);
};

export const resultsCsvHandler: AppRouteHandler<routes.ResultsCsvRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const caller = c.var.caller;
  await spendBudget(c, "export", caller ? `user:${caller.userId}` : `ip:${clientKey(c)}`);
  return csvResponse(c, id, resultsCsv(await visibleResults(c, id)));
};
