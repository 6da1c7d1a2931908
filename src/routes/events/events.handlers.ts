import { requireSigningKeys } from "../../config.ts";
import { decodeCursor, encodeCursor } from "../../lib/cursor.ts";
import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import type { ListEventsRoute } from "./events.routes.ts";
import { currentHorizon, type EventPosition, listEvents } from "./events.service.ts";

/** A cursor also carries when it was issued: past retention, what follows it may be gone. */
interface EventCursor extends EventPosition {
  at: number;
}

const DAY_MS = 24 * 3600 * 1000;

export const listEventsHandler: AppRouteHandler<ListEventsRoute> = async (c) => {
  const { cursor, types, limit } = c.req.valid("query");
  const accountId = c.var.caller.userId;
  const secret = requireSigningKeys(c.var.config).cursor;
  // A cursor belongs to one account and one type filter: reused elsewhere it is a 400.
  const scope = `events:${accountId}:${types?.join(",") ?? "*"}`;
  // `at`: what the events after the position are at least as new as (retention deletes by age).
  const issue = (position: EventPosition, at = Date.now()) =>
    encodeCursor<EventCursor>(secret, scope, { ...position, at });
  c.header("Cache-Control", "private, no-store");
  if (cursor === "now") {
    const horizon = await currentHorizon(c.var.db);
    return c.json({ items: [], next_cursor: await issue({ tx: horizon, seq: 0 }), has_more: false }, 200);
  }
  const after = cursor ? await decodeCursor<EventCursor>(secret, scope, cursor) : undefined;
  // One day of margin: an event committed just after the cursor was issued is still kept.
  if (after && after.at < Date.now() - (c.var.config.events.retentionDays - 1) * DAY_MS) {
    throw new ApiError("cursor-expired", {
      detail:
        "Events after this cursor may have been deleted by retention. Resync: take GET /events?cursor=now, " +
        "re-read your notes and polls, then follow from that cursor.",
    });
  }
  const page = await listEvents(c.var.db, accountId, after, types, limit);
  // Caught up: resume from the log's end, so a quiet account's cursor stays fresh.
  const lastItem = page.items.at(-1);
  const next_cursor =
    page.hasMore && page.last && lastItem
      ? await issue(page.last, Date.parse(lastItem.created_at))
      : await issue(page.horizon);
  return c.json({ items: page.items, next_cursor, has_more: page.hasMore }, 200);
};
