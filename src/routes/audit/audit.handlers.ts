import { requireSigningKeys } from "../../config.ts";
import { paginate } from "../../lib/pagination.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import type { AuthedContext } from "../../middleware/auth.ts";
import type * as routes from "./audit.routes.ts";
import type { AuditFilter } from "./audit.schemas.ts";
import { type AuditPosition, listAuditEvents } from "./audit.service.ts";

/** One page of events matching `filter`, with a cursor bound to that filter. */
async function auditPage(
  c: AuthedContext,
  kind: string,
  filter: Omit<AuditFilter, "cursor">,
  cursor?: string,
) {
  const secret = requireSigningKeys(c.var.config).cursor;
  const { page, next_cursor } = await paginate(
    c,
    { secret, scope: { kind, ...filter }, cursor },
    (after?: AuditPosition) => listAuditEvents(c.var.db, filter, after),
  );
  return { items: page.items, next_cursor };
}

export const listMyAuditEvents: AppRouteHandler<routes.MyAuditRoute> = async (c) => {
  const { cursor, ...query } = c.req.valid("query");
  // The account is fixed by the caller, never taken from the query: no account reads another's trail.
  return c.json(await auditPage(c, "audit", { ...query, user_id: c.var.caller.userId }, cursor), 200);
};

export const listAllAuditEvents: AppRouteHandler<routes.AdminAuditRoute> = async (c) => {
  const { cursor, ...filter } = c.req.valid("query");
  return c.json(await auditPage(c, "admin-audit", filter, cursor), 200);
};
