import { z } from "@hono/zod-openapi";
import { EVENT_TYPES, type EventType } from "../../events/event-types.ts";
import { limitQuery } from "../../lib/schemas.ts";

export const EventTypeSchema = z.enum(EVENT_TYPES as [EventType, ...EventType[]]).openapi("EventType", {
  description: "docs/events.md lists every type and its payload.",
});

export const EventSchema = z
  .object({
    id: z.string().uuid().openapi({ description: "Stable; the `webhook-id` of its deliveries." }),
    type: EventTypeSchema,
    created_at: z.string().openapi({ format: "date-time" }),
    resource: z.object({
      type: z.enum(["note", "poll", "api_key", "webhook"]),
      id: z.string(),
    }),
    data: z
      .record(z.string(), z.unknown())
      .openapi({ description: "The type's small payload (ids, version)." }),
  })
  .openapi("Event");
export type Event = z.infer<typeof EventSchema>;

export const ListEventsQuerySchema = z.object({
  cursor: z
    .string()
    .max(2048)
    .optional()
    .openapi({
      description:
        "`next_cursor` of the previous page; `now` for a cursor at the current end of the log (no events), " +
        "taken before a full resync. Absent: from the oldest retained event.",
    }),
  types: z
    .string()
    .max(1000)
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const names = [...new Set(value.split(",").map((name) => name.trim()))].sort();
      const unknown = names.filter((name) => !(EVENT_TYPES as string[]).includes(name));
      if (unknown.length > 0) {
        ctx.addIssue({ code: "custom", message: `Unknown event types: ${unknown.join(", ")}.` });
        return z.NEVER;
      }
      return names as EventType[];
    })
    .openapi({
      description: "Comma-separated event types to return (default: all).",
      example: "note.created,note.purged",
    }),
  limit: limitQuery({ fallback: 100, max: 500 }),
});
export type ListEventsQuery = z.infer<typeof ListEventsQuerySchema>;

export const EventPageSchema = z
  .object({
    items: z.array(EventSchema),
    next_cursor: z.string().openapi({
      description:
        "Always present: send it back to continue. When `has_more` is false it marks the end of the log.",
    }),
    has_more: z.boolean(),
  })
  .openapi("EventPage");
