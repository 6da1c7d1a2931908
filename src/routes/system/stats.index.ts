import { createRouter } from "../../lib/openapi.ts";
import * as handlers from "./stats.handlers.ts";
import * as routes from "./stats.routes.ts";

export const statsRouter = createRouter()
  .openapi(routes.statsRoute, handlers.stats)
  .openapi(routes.triggerErrorRoute, handlers.triggerError);
