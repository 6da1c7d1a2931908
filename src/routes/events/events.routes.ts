import { createRoute } from "@hono/zod-openapi";
import {
  databaseErrorResponses,
  jsonContent,
  problemResponseSpec,
  unauthorizedResponse,
} from "../../lib/openapi.ts";
import { authed } from "../../middleware/route-auth.ts";
import { routeOptions } from "../../middleware/route-options.ts";
import { EventPageSchema, ListEventsQuerySchema } from "./events.schemas.ts";

export const listEventsRoute = createRoute({
  operationId: "listEvents",
  method: "get",
  path: "/events",
  tags: ["Events"],
  summary: "The caller's events in order, resumable by cursor",
  description:
    "Every change to the caller's notes, polls and API keys, oldest first. Follow `next_cursor` until " +
    "`has_more` is false, keep the last cursor and poll with it later. A cursor older than the retention " +
    "(30 days by default) answers 410 `cursor-expired`: resync (take `cursor=now`, re-read the resources, " +
    "then follow from that cursor). See docs/events.md.",
  ...routeOptions({ access: authed, scope: "events:read", cache: "no-store" }),
  request: { query: ListEventsQuerySchema },
  responses: {
    200: { description: "A page of events.", content: jsonContent(EventPageSchema) },
    ...unauthorizedResponse,
    410: problemResponseSpec(
      "`cursor-expired`: events after this cursor may have been deleted by retention; resync from `cursor=now`.",
    ),
    ...databaseErrorResponses,
  },
});
export type ListEventsRoute = typeof listEventsRoute;
