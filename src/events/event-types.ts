/**
 * Every event the log records, in one place: the type, the resource it is about and its
 * payload. Payloads stay small (ids, versions, a title at most) and only ever describe the
 * account's own resource: a client re-reads the resource for its state.
 */
export interface EventPayloads {
  "note.created": { id: string; version: number };
  "note.updated": { id: string; version: number };
  "note.trashed": { id: string; version: number };
  "note.restored": { id: string; version: number };
  /** Deleted for good (from the trash, by emptying it, or by retention): mirrors drop it. */
  "note.purged": { id: string };
  "poll.created": { id: string };
  "poll.updated": { id: string };
  "poll.closed": { id: string };
  "poll.reopened": { id: string };
  "poll.deleted": { id: string };
  /**
   * Coalesced: written by the first counted vote of each window (at most one per poll per
   * window, docs/events.md); read the results after `window_ends_at` to see every vote of it.
   */
  "poll.results_changed": { id: string; window_ends_at: string };
  "api_key.created": { id: string; name: string; prefix: string };
  "api_key.revoked": { id: string };
  /** Sent by `POST /webhooks/{id}/ping` to that endpoint only. */
  "webhook.ping": { endpoint_id: string };
}

export type EventType = keyof EventPayloads;

/** What each type is about (`resource.type` in the API). */
export const EVENT_RESOURCES = {
  "note.created": "note",
  "note.updated": "note",
  "note.trashed": "note",
  "note.restored": "note",
  "note.purged": "note",
  "poll.created": "poll",
  "poll.updated": "poll",
  "poll.closed": "poll",
  "poll.reopened": "poll",
  "poll.deleted": "poll",
  "poll.results_changed": "poll",
  "api_key.created": "api_key",
  "api_key.revoked": "api_key",
  "webhook.ping": "webhook",
} as const satisfies Record<EventType, string>;

export const EVENT_TYPES = Object.keys(EVENT_RESOURCES) as EventType[];

/** The types an endpoint may subscribe to (a ping goes only where it is asked for). */
export const SUBSCRIBABLE_EVENT_TYPES = EVENT_TYPES.filter((type) => type !== "webhook.ping");

/** One event as `recordEvent` takes it. */
export interface NewEvent<T extends EventType = EventType> {
  accountId: string;
  type: T;
  /** The resource's id; its type follows from the event type. */
  resourceId: string;
  payload: EventPayloads[T];
  /** Events sharing a key are written once: the first wins, later ones are skipped. */
  coalesceKey?: string;
}
