import type { Context } from "hono";
import { bearerRequired } from "../../auth/tokens.ts";
import { requireSigningKeys } from "../../config.ts";
import type { AppEnv, Caller } from "../../env.ts";
import { paginate } from "../../lib/pagination.ts";
import type { ListPollsQuery } from "./polls.schemas.ts";
import { listPollsByVotes, type StatsPosition } from "./polls.ranking.service.ts";

/** `sort=votes` or `min_votes`: the statistics listing (owners see their polls, admins all). */
export const isStatsListing = (query: ListPollsQuery) =>
  query.sort === "votes" || query.min_votes !== undefined;

/**
 * Vote totals of polls whose results may be hidden from the public (`after_vote`,
 * `after_close`), so only the people who may always see results get them.
 */
export async function pollStatsPage(c: Context<AppEnv>, query: ListPollsQuery, caller: Caller | undefined) {
  if (!caller) {
    throw bearerRequired("Vote statistics (sort=votes, min_votes) need a bearer token.");
  }
  const owner = caller.role === "admin" && !query.mine ? undefined : caller.userId;
  const scope = { kind: "poll-stats", owner, status: query.status, sort: query.sort, min: query.min_votes };
  const cursor = { secret: requireSigningKeys(c.var.config).cursor, scope, cursor: query.cursor };
  const { page, next_cursor } = await paginate(c, cursor, (after?: StatsPosition) =>
    listPollsByVotes(c.var.db, query, owner, after),
  );
  return { items: page.items, next_cursor };
}
