import { createRoute } from "@hono/zod-openapi";
import { databaseErrorResponses, jsonContent } from "../../lib/openapi.ts";
import { adminOnly, authed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import { AdminAuditQuerySchema, AuditEventListSchema, AuditQuerySchema } from "./audit.schemas.ts";

const FILTERS = "Newest first; filter by `type` and by time (`since` inclusive, `until` exclusive).";

export const myAuditRoute = createRoute({
  operationId: "listMyAuditEvents",
  method: "get",
  path: "/me/audit",
  tags: ["Auth"],
  summary: "The account's security events: logins, keys, sessions, admin actions (needs a login session)",
  description: `${FILTERS} Kept 90 days.`,
  // A session only: the trail is where an owner looks when a key is suspected, so a key cannot read it.
  ...routeOptions({ access: authed, scope: "session", cache: "no-store" }),
  request: { query: AuditQuerySchema },
  responses: {
    200: { description: "A page of events.", content: jsonContent(AuditEventListSchema) },
    ...databaseErrorResponses,
  },
});

export const adminAuditRoute = createRoute({
  operationId: "listAuditEvents",
  method: "get",
  path: "/admin/audit",
  tags: ["Admin"],
  summary: "Every account's security events (admin)",
  description: `${FILTERS} \`user_id\` narrows to one account. Kept 90 days.`,
  ...routeOptions({ access: adminOnly, cache: "no-store" }),
  request: { query: AdminAuditQuerySchema },
  responses: {
    200: { description: "A page of events.", content: jsonContent(AuditEventListSchema) },
    ...databaseErrorResponses,
  },
});

export type MyAuditRoute = typeof myAuditRoute;
export type AdminAuditRoute = typeof adminAuditRoute;
