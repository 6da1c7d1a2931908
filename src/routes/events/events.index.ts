import { createRouter } from "../../lib/openapi.ts";
import { listEventsHandler } from "./events.handlers.ts";
import { listEventsRoute } from "./events.routes.ts";

/** `GET /events`: the caller's own event log (docs/events.md). */
export const eventsRouter = createRouter().openapi(listEventsRoute, listEventsHandler);
