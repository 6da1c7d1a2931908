import type { Context } from "hono";
import { bearerRequired } from "../../auth/tokens.ts";
import { requireSigningKeys } from "../../config.ts";
import type { AppEnv, Caller } from "../../env.ts";
import { paginate } from "../../lib/pagination.ts";
import { listPollsByVotes, type RankingPosition } from "./polls.ranking.service.ts";
import type { ListPollsQuery } from "./polls.schemas.ts";

/** `sort=votes` or `min_votes`: the ranking by vote totals (owners see their polls, admins all). */
export const isRankingListing = (query: ListPollsQuery) =>
  query.sort === "votes" || query.min_votes !== undefined;

/**
 * Vote totals of polls whose results may be hidden from the public (`after_vote`,
 * `after_close`), so only the people who may always see results get them.
 */
export async function rankingPage(c: Context<AppEnv>, query: ListPollsQuery, caller: Caller | undefined) {
  if (!caller) {
    throw bearerRequired("Vote statistics (sort=votes, min_votes) need a bearer token.");
  }
  const owner = caller.role === "admin" && !query.mine ? undefined : caller.userId;
  // "poll-stats" is the ranking's old name, kept so cursors already handed out stay valid.
  const scope = { kind: "poll-stats", owner, status: query.status, sort: query.sort, min: query.min_votes };
  const cursor = { secret: requireSigningKeys(c.var.config).cursor, scope, cursor: query.cursor };
  const { page, next_cursor } = await paginate(c, cursor, (after?: RankingPosition) =>
    listPollsByVotes(c.var.db, query, owner, after),
  );
  return { items: page.items, next_cursor };
}
