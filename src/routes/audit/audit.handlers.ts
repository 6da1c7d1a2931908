import { requireSigningKeys } from "../../config.ts";
import { paginate } from "../../lib/pagination.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import type * as routes from "./audit.routes.ts";
import { type AuditPosition, listAuditEvents } from "./audit.service.ts";

export const listMyAuditEvents: AppRouteHandler<routes.MyAuditRoute> = async (c) => {
  const { cursor, ...query } = c.req.valid("query");
  // The account is fixed by the caller, never taken from the query: no account reads another's trail.
  const filter = { ...query, user_id: c.var.caller.userId };
  const secret = requireSigningKeys(c.var.config).cursor;
  const { page, next_cursor } = await paginate(
    c,
    { secret, scope: { kind: "audit", ...filter }, cursor },
    (after?: AuditPosition) => listAuditEvents(c.var.db, filter, after),
  );
  return c.json({ items: page.items, next_cursor }, 200);
};

export const listAllAuditEvents: AppRouteHandler<routes.AdminAuditRoute> = async (c) => {
  const { cursor, ...filter } = c.req.valid("query");
  const secret = requireSigningKeys(c.var.config).cursor;
  const { page, next_cursor } = await paginate(
    c,
    { secret, scope: { kind: "admin-audit", ...filter }, cursor },
    (after?: AuditPosition) => listAuditEvents(c.var.db, filter, after),
  );
  return c.json({ items: page.items, next_cursor }, 200);
};
