import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env.ts";

/** A handler typed from its route definition, so inputs and responses are checked. */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
