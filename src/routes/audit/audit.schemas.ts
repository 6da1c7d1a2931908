import { z } from "@hono/zod-openapi";
import { AUDIT_EVENT_TYPES } from "../../audit/audit-event.ts";
import { storableDateTime } from "../../lib/datetime.ts";
import { cursorQuery, limitQuery, uuidSchema } from "../../lib/schemas.ts";

export const AuditEventSchema = z
  .object({
    id: z.uuid(),
    type: z.enum(AUDIT_EVENT_TYPES),
    user_id: z
      .uuid()
      .nullable()
      .openapi({ description: "The account it is about; null for a login naming none." }),
    credential: z.object({
      kind: z.enum(["session", "api_key", "none"]).openapi({ description: "`none`: a login attempt." }),
      id: z
        .uuid()
        .nullable()
        .openapi({ description: "The session (refresh-token family) or API key id; null when unknown." }),
    }),
    actor_id: z.uuid().nullable().openapi({ description: "An administrator who acted on this account." }),
    ip: z.string().openapi({ description: "The client address, as the logs record it." }),
    details: z.record(z.string(), z.union([z.string(), z.number()])),
    created_at: z.iso.datetime(),
  })
  .openapi("AuditEvent");

export const AuditEventListSchema = z
  .object({
    items: z.array(AuditEventSchema),
    next_cursor: z.string().nullable().openapi({ description: "Pass as `cursor` for the next page." }),
  })
  .openapi("AuditEventList");

export const AuditQuerySchema = z.object({
  limit: limitQuery({ fallback: 50 }),
  cursor: cursorQuery(),
  type: z.enum(AUDIT_EVENT_TYPES).optional(),
  since: storableDateTime().optional().openapi({ description: "Events at or after this instant." }),
  until: storableDateTime().optional().openapi({ description: "Events before this instant." }),
});

export const AdminAuditQuerySchema = AuditQuerySchema.extend({
  user_id: uuidSchema().optional().openapi({ description: "Only events about this account." }),
});

export type AuditEventDto = z.infer<typeof AuditEventSchema>;
export type AuditFilter = z.infer<typeof AdminAuditQuerySchema>;
