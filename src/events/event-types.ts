import { z } from "@hono/zod-openapi";

const id = z.string().openapi({ description: "The resource's id." });
const version = z.number().int().openapi({ description: "The note's version after the change (its ETag)." });
const noteChange = z.object({ id, version });

/**
 * Every event the log records, in one place: its type and its payload's schema (the OpenAPI
 * `webhooks` section is built from these). Payloads stay small (ids, a version, a key's name)
 * and only ever describe the account's own resource: a client re-reads it for its state.
 */
export const EVENT_PAYLOAD_SCHEMAS = {
  "note.created": noteChange,
  "note.updated": noteChange,
  "note.trashed": noteChange,
  "note.restored": noteChange,
  /** Deleted for good (from the trash, by emptying it, or by retention): mirrors drop it. */
  "note.purged": z.object({ id }),
  "poll.created": z.object({ id }),
  "poll.updated": z.object({ id }),
  "poll.closed": z.object({ id }),
  "poll.reopened": z.object({ id }),
  "poll.deleted": z.object({ id }),
  /**
   * Coalesced: written by the first counted vote of each window (at most one per poll per
   * window, docs/events.md); read the results after `window_ends_at` to see every vote of it.
   */
  "poll.results_changed": z.object({
    id,
    window_ends_at: z.string().openapi({ format: "date-time", description: "Re-read results after this." }),
  }),
  "api_key.created": z.object({ id, name: z.string(), prefix: z.string() }),
  "api_key.revoked": z.object({ id }),
  /** Sent by `POST /webhooks/{id}/ping` to that endpoint only. */
  "webhook.ping": z.object({ endpoint_id: z.string() }),
} as const;

export type EventType = keyof typeof EVENT_PAYLOAD_SCHEMAS;
export type EventPayloads = { [T in EventType]: z.infer<(typeof EVENT_PAYLOAD_SCHEMAS)[T]> };

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
