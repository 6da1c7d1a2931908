import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import { EVENT_PAYLOAD_SCHEMAS, EVENT_RESOURCES, type EventType } from "../../events/event-types.ts";

const headers = z.object({
  "webhook-id": z
    .string()
    .openapi({ description: "The event's id: the same on every retry; deduplicate by it." }),
  "webhook-timestamp": z.string().openapi({ description: "Unix seconds when this attempt was signed." }),
  "webhook-signature": z.string().openapi({
    description:
      'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body" keyed by the secret after whsec_>`.',
  }),
});

/**
 * The OpenAPI 3.1 `webhooks` section: one entry per event type, the body each delivery POSTs
 * (Standard Webhooks' `{type, timestamp, data}`, `data` being the event as GET /events lists it).
 */
export function registerWebhookPayloads(registry: OpenAPIHono["openAPIRegistry"]): void {
  for (const [type, payload] of Object.entries(EVENT_PAYLOAD_SCHEMAS) as [EventType, z.ZodType][]) {
    const body = z.object({
      type: z.literal(type),
      timestamp: z.string().openapi({ format: "date-time" }),
      data: z.object({
        id: z.string().uuid(),
        type: z.literal(type),
        created_at: z.string().openapi({ format: "date-time" }),
        resource: z.object({ type: z.literal(EVENT_RESOURCES[type]), id: z.string() }),
        data: payload,
      }),
    });
    registry.registerWebhook({
      method: "post",
      path: type,
      operationId: `webhook_${type.replace(".", "_")}`,
      tags: ["Webhooks"],
      // Not a call to this API: the receiver authenticates the delivery by its signature.
      security: [],
      summary: `Delivery of \`${type}\``,
      request: { headers, body: { required: true, content: { "application/json": { schema: body } } } },
      responses: {
        200: {
          description: "Any 2xx acknowledges the delivery; anything else (or 10 s of silence) is retried.",
        },
      },
    });
  }
}
