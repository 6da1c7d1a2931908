import { createRouter } from "../../lib/openapi.ts";
import * as handlers from "./audit.handlers.ts";
import * as routes from "./audit.routes.ts";

/** Access (and `no-store`) is declared on each route in audit.routes.ts. */
export const auditRouter = createRouter()
  .openapi(routes.myAuditRoute, handlers.listMyAuditEvents)
  .openapi(routes.adminAuditRoute, handlers.listAllAuditEvents);
