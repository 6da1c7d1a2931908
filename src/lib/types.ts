import type { RouteConfig, RouteConfigToEnv, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

/**
 * A handler typed from its route definition, so inputs and responses are checked, and its
 * context from the route's middleware: behind `authed` or `adminOnly`, `c.var.caller` is a
 * `Caller`, never undefined (src/middleware/route-auth.ts).
 */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv & RouteConfigToEnv<R>>;
