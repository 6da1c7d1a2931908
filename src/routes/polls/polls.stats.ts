import type { Context } from "hono";
import { requireSigningKeys } from "../../config.ts";
import type { AppEnv, Caller } from "../../env.ts";
import { decodeCursor, encodeCursor, nextLink } from "../../lib/cursor.ts";
import { ApiError } from "../../lib/problem.ts";
import type { ListPollsQuery } from "./polls.schemas.ts";
import { listPollsByVotes, type StatsPosition } from "./polls.stats.service.ts";

/** `sort=votes` or `min_votes`: the statistics listing (owners see their polls, admins all). */
export const isStatsListing = (query: ListPollsQuery) =>
  query.sort === "votes" || query.min_votes !== undefined;

/**
 * Vote totals of polls whose results may be hidden from the public (`after_vote`,
 * `after_close`), so only the people who may always see results get them.
 */
export async function pollStatsPage(c: Context<AppEnv>, query: ListPollsQuery, caller: Caller | undefined) {
  if (!caller) {
    throw new ApiError("unauthorized", {
      detail: "Vote statistics (sort=votes, min_votes) need a bearer token.",
      headers: { "WWW-Authenticate": 'Bearer realm="devhub-api"' },
    });
  }
  const owner = caller.role === "admin" && !query.mine ? undefined : caller.userId;
  const scope = JSON.stringify({
    kind: "poll-stats",
    owner,
    status: query.status,
    sort: query.sort,
    min: query.min_votes,
  });
  const secret = requireSigningKeys(c.var.config).cursor;
  const after = query.cursor ? await decodeCursor<StatsPosition>(secret, scope, query.cursor) : undefined;
  const page = await listPollsByVotes(c.var.db, query, owner, after);
  const next = page.hasMore && page.last ? await encodeCursor(secret, scope, page.last) : null;
  if (next) c.header("Link", nextLink(c.req.url, next));
  return { items: page.items, next_cursor: next };
}
