import type { Context } from "hono";
import { decodeCursor, encodeCursor, nextLink } from "./cursor.ts";

/**
 * The one pagination policy of every list: keyset pages, read with `LIMIT limit + 1`, and
 * opaque signed cursors bound to the query they came from (see cursor.ts). A client never
 * sees or sends a raw position, so every list answers a forged or foreign cursor the same
 * way (400) and can change its sort key without breaking clients.
 */

/** One page: the items to send, whether another page follows, and the last item's position. */
export interface KeysetPage<Item, Position> {
  items: Item[];
  hasMore: boolean;
  last: Position | undefined;
}

/**
 * Cuts rows read with `LIMIT limit + 1` into a page: the extra row is never sent, it only
 * says that another page follows.
 *
 * @example
 * const rows = await queryRows(db, sql`… ORDER BY p.created_at DESC, p.id DESC LIMIT ${limit + 1}`);
 * return pageOf(rows.map(pollRecord), limit, (poll) => ({ created_at: poll.created_at, id: poll.id }));
 */
export function pageOf<Row, Position>(
  rows: Row[],
  limit: number,
  positionOf: (row: Row) => Position,
): KeysetPage<Row, Position> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, hasMore: rows.length > limit, last: last === undefined ? undefined : positionOf(last) };
}

export interface CursorRequest {
  /** The purpose-bound cursor key (`requireSigningKeys(config).cursor`). */
  secret: string;
  /** Everything that shapes the result but the cursor and the limit: owner, sort, filters. */
  scope: Record<string, unknown>;
  /** The client's `cursor` query parameter, if any. */
  cursor: string | undefined;
}

/**
 * Serves one page of a list: decodes the client's cursor (400 when it was altered or issued
 * for another query), loads the page after that position, and issues `next_cursor`, also
 * sent as `Link: <…>; rel="next"`.
 *
 * @example
 * const { page, next_cursor } = await paginate(c, { secret, scope: { kind: "polls", owner }, cursor }, (after) =>
 *   service.listPolls(c.var.db, query, owner, after),
 * );
 * return c.json({ items: page.items, next_cursor }, 200);
 */
export async function paginate<Position, Page extends KeysetPage<unknown, Position>>(
  c: Context,
  { secret, scope, cursor }: CursorRequest,
  load: (after: Position | undefined) => Promise<Page>,
): Promise<{ page: Page; next_cursor: string | null }> {
  const boundTo = JSON.stringify(scope);
  const after = cursor ? await decodeCursor<Position>(secret, boundTo, cursor) : undefined;
  const page = await load(after);
  const next_cursor =
    page.hasMore && page.last !== undefined ? await encodeCursor(secret, boundTo, page.last) : null;
  if (next_cursor) c.header("Link", nextLink(c.req.url, next_cursor));
  return { page, next_cursor };
}
