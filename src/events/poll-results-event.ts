import { sql } from "drizzle-orm";
import { type Database, queryRows } from "../db/client.ts";
import { recordEvent } from "./record-event.ts";

/** A poll's `poll.results_changed` events are at most one per this window. */
export const RESULTS_EVENT_WINDOW_SECONDS = 10;

/** Polls this isolate already announced in the current window: later votes skip the database. */
const announced = new Map<string, number>();

/**
 * Records `poll.results_changed` for a counted vote, coalesced: the first vote of each
 * window writes it (keyed `poll:<id>:<window>`, so other isolates' attempts in the window
 * insert nothing), later votes of the window write nothing. No row is locked: a vote stays the
 * one race-free statement it was, and this runs after it committed, as its own statement
 * (a hint, not part of the vote: a vote whose hint is lost is covered by the window's event).
 */
export async function recordResultsChanged(
  db: Database,
  pollId: string,
  {
    now = Date.now(),
    knownOwnerId,
  }: {
    now?: number;
    /** The poll's owner when the vote's statement already returned it: one query fewer. */
    knownOwnerId?: string;
  } = {},
): Promise<void> {
  const windowMs = RESULTS_EVENT_WINDOW_SECONDS * 1000;
  const window = Math.floor(now / windowMs);
  if (announced.get(pollId) === window) return;
  if (announced.size > 10_000) announced.clear();
  announced.set(pollId, window);
  const ownerId =
    knownOwnerId ??
    (await queryRows<{ owner_id: string }>(db, sql`SELECT owner_id FROM polls WHERE id = ${pollId}`))[0]
      ?.owner_id;
  if (!ownerId) return;
  await recordEvent(db, {
    accountId: ownerId,
    type: "poll.results_changed",
    resourceId: pollId,
    payload: { id: pollId, window_ends_at: new Date((window + 1) * windowMs).toISOString() },
    coalesceKey: `poll:${pollId}:${window}`,
  });
}
