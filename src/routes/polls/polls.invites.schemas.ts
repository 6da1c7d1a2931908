import { z } from "@hono/zod-openapi";
import { trimmedText, uuidSchema } from "../../lib/schemas.ts";

export const CreateInviteSchema = z
  .strictObject({
    label: trimmedText(200)
      .optional()
      .openapi({ description: "Who it is for, for the owner's list (never shown to voters)." }),
  })
  .openapi("CreateInvite");

export const InviteSchema = z
  .object({
    id: z.uuid(),
    poll_id: z.uuid(),
    label: z.string().nullable(),
    created_at: z.iso.datetime(),
    used_at: z.iso.datetime().nullable().openapi({ description: "When its ballot was cast; null: unused." }),
    revoked_at: z.iso.datetime().nullable(),
  })
  .openapi("Invite");

export const CreatedInviteSchema = InviteSchema.extend({
  token: z.string().openapi({
    description:
      "The invitation, shown this once (only its hash is stored). The voter sends it in the `Poll-Invite` header.",
  }),
}).openapi("CreatedInvite");

export const InviteListSchema = z.object({ items: z.array(InviteSchema) }).openapi("InviteList");

export const InviteParamsSchema = z.object({
  id: uuidSchema().openapi({ param: { name: "id", in: "path" } }),
  inviteId: uuidSchema().openapi({ param: { name: "inviteId", in: "path" } }),
});

export type Invite = z.infer<typeof InviteSchema>;
