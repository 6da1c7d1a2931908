import type { Env, MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import type { AppEnv } from "../env.ts";
import { type DeclaredLimit, type Limit, limits } from "./limits.ts";
import { noStore } from "./no-store.ts";

export type Security = Array<Record<string, string[]>>;

/**
 * What a route declares beside its OpenAPI shape, as `createRoute` takes it: the document's
 * `security` and rate limits (`x-rate-limits`), and the one middleware that enforces them.
 * The middleware is one composed handler typed by its environment, so a route declared
 * `authed` hands its handler a `c.var.caller` that is never undefined.
 */
export interface RouteDeclaration<E extends Env = AppEnv> {
  security: Security;
  middleware: MiddlewareHandler<E>;
  "x-rate-limits": DeclaredLimit[];
}

/** Open to anyone, with nothing to check: what `publicAccess` (route-auth.ts) hands on. */
export type OpenDeclaration = Omit<RouteDeclaration, "middleware">;

const passThrough: MiddlewareHandler = (_c, next) => next();

/**
 * Combines a route's access (route-auth.ts), caching and rate limits without hand-wrapping:
 * they run in that order (the caller is known before per-account limits are charged), and the
 * document gets every declared limit. Spread the result into `createRoute`.
 *
 * @example createRoute({ ...routeOptions({ access: authed, cache: "no-store", limits: ["export"] }), … })
 */
export function routeOptions<E extends Env>(options: {
  access: RouteDeclaration<E> | OpenDeclaration;
  cache?: "no-store";
  limits?: Limit[];
}): RouteDeclaration<E> {
  const { access, cache } = options;
  const declared = options.limits?.length ? limits(...options.limits) : undefined;
  const parts = [
    ...("middleware" in access ? [access.middleware] : []),
    ...(cache === "no-store" ? [noStore] : []),
    ...(declared ? [declared.middleware] : []),
  ] as MiddlewareHandler<E>[];
  return {
    security: access.security,
    middleware: parts.length <= 1 ? (parts[0] ?? passThrough) : (every(...parts) as MiddlewareHandler<E>),
    "x-rate-limits": [...access["x-rate-limits"], ...(declared?.documented ?? [])],
  };
}
