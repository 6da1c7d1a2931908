import { z } from "@hono/zod-openapi";
import { type EventType, SUBSCRIBABLE_EVENT_TYPES } from "../../events/event-types.ts";
import { limitQuery } from "../../lib/schemas.ts";

const SubscribableTypeSchema = z.enum(SUBSCRIBABLE_EVENT_TYPES as [EventType, ...EventType[]]);

const UrlSchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .openapi({
    description:
      "Where deliveries are POSTed: https, on a public address (loopback, private, link-local and metadata " +
      "addresses are refused; docs/events.md).",
    example: "https://hooks.example.com/devhub",
  });

const EventTypesSchema = z
  .array(SubscribableTypeSchema)
  .min(1)
  .max(SUBSCRIBABLE_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)].sort())
  .openapi({ description: "The event types to deliver.", example: ["note.created", "note.purged"] });

const DescriptionSchema = z
  .string()
  .trim()
  .max(200)
  .refine((text) => !text.includes("\u0000"), {
    message: "Must not contain null bytes.",
  });

export const CreateWebhookSchema = z
  .object({ url: UrlSchema, event_types: EventTypesSchema, description: DescriptionSchema.default("") })
  .strict()
  .openapi("CreateWebhook");

export const UpdateWebhookSchema = z
  .object({
    url: UrlSchema.optional(),
    event_types: EventTypesSchema.optional(),
    description: DescriptionSchema.optional(),
    enabled: z.boolean().optional().openapi({
      description: "`true` re-enables a disabled endpoint (and clears its failure count); `false` pauses it.",
    }),
  })
  .strict()
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: "Send at least one field to change.",
  })
  .openapi("UpdateWebhook", { minProperties: 1 });
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookSchema>;

export const WebhookSchema = z
  .object({
    id: z.string().uuid(),
    url: z.string(),
    event_types: z.array(z.string()),
    description: z.string(),
    enabled: z.boolean(),
    disabled_at: z.string().nullable().openapi({ format: "date-time" }),
    disabled_reason: z.string().nullable().openapi({
      description:
        "Why deliveries stopped: paused by the owner, or failing deliveries (with the last error).",
    }),
    created_at: z.string().openapi({ format: "date-time" }),
    updated_at: z.string().openapi({ format: "date-time" }),
  })
  .openapi("Webhook");
export type Webhook = z.infer<typeof WebhookSchema>;

export const CreatedWebhookSchema = WebhookSchema.extend({
  secret: z.string().openapi({
    description: "The signing secret (`whsec_…`), shown this once. Verify `webhook-signature` with it.",
  }),
}).openapi("CreatedWebhook");

export const WebhookListSchema = z.object({ items: z.array(WebhookSchema) }).openapi("WebhookList");

export const DeliverySchema = z
  .object({
    id: z.string().uuid(),
    event_id: z.string().uuid(),
    event_type: z.string(),
    status: z.enum(["pending", "delivered", "failed", "dead"]).openapi({
      description: "`failed`: an attempt failed, a retry is scheduled; `dead`: every retry failed.",
    }),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string().openapi({ format: "date-time" }),
    last_attempt_at: z.string().nullable().openapi({ format: "date-time" }),
    delivered_at: z.string().nullable().openapi({ format: "date-time" }),
    next_attempt_at: z.string().nullable().openapi({
      format: "date-time",
      description: "When a `failed` delivery is tried again.",
    }),
  })
  .openapi("WebhookDelivery");
export type Delivery = z.infer<typeof DeliverySchema>;

export const DeliveryListSchema = z.object({ items: z.array(DeliverySchema) }).openapi("WebhookDeliveryList");

export const ListDeliveriesQuerySchema = z.object({ limit: limitQuery({ fallback: 50, max: 100 }) });

export const PingSchema = z
  .object({ event_id: z.string().uuid(), delivery_id: z.string().uuid() })
  .openapi("WebhookPing");
