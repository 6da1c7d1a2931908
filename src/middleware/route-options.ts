import type { Env, MiddlewareHandler } from "hono";
import { every } from "hono/combine";
import type { KeyRequirement } from "../auth/scopes.ts";
import type { AppEnv } from "../env.ts";
import { type DeclaredLimit, type Limit, limits } from "./limits.ts";
import { noStore } from "./no-store.ts";

export type Security = Array<Record<string, string[]>>;

/**
 * What a route declares beside its OpenAPI shape, as `createRoute` takes it: the document's
 * `security` and rate limits (`x-rate-limits`), what it asks of an API key
 * (`x-api-key-scope`), and the one middleware that enforces them. The middleware is one
 * composed handler typed by its environment, so a route declared `authed` hands its handler
 * a `c.var.caller` that is never undefined.
 */
export interface RouteDeclaration<E extends Env = AppEnv> {
  security: Security;
  middleware: MiddlewareHandler<E>;
  "x-rate-limits": DeclaredLimit[];
  "x-api-key-scope"?: KeyRequirement;
}

/**
 * An access that reads bearer credentials (`authed`, `optionallyAuthed`, …): `requiring`
 * (not enumerable, so spreading the access into a route does not carry it) gives its form
 * for a route with a key requirement. Spread bare, it declares none and refuses every key.
 */
export interface ScopableAccess<E extends Env = AppEnv> extends RouteDeclaration<E> {
  readonly requiring: (requirement: KeyRequirement) => RouteDeclaration<E>;
}

/** Open to anyone, with nothing to check: what `publicAccess` (route-auth.ts) hands on. */
export type OpenDeclaration = Omit<RouteDeclaration, "middleware">;

const passThrough: MiddlewareHandler = (_c, next) => next();

function withRequirement<E extends Env>(
  access: RouteDeclaration<E> | OpenDeclaration,
  scope: KeyRequirement | undefined,
): RouteDeclaration<E> | OpenDeclaration {
  if (scope === undefined) return access;
  if (!("requiring" in access)) {
    throw new Error(
      `scope "${scope}" declared on an access that reads no bearer credential or fixes its own`,
    );
  }
  return (access as ScopableAccess<E>).requiring(scope);
}

/**
 * Combines a route's access (route-auth.ts) and what it asks of an API key, caching and rate
 * limits without hand-wrapping: they run in that order (the caller and its scope are checked
 * before anything is charged), and the document gets every declared limit and the scope.
 * Spread the result into `createRoute`.
 *
 * @example createRoute({ ...routeOptions({ access: authed, scope: "notes:write", limits: ["export"] }), … })
 */
export function routeOptions<E extends Env>(options: {
  access: RouteDeclaration<E> | OpenDeclaration;
  /** What an API key needs (src/auth/scopes.ts); sessions always pass. */
  scope?: KeyRequirement;
  cache?: "no-store";
  limits?: Limit[];
}): RouteDeclaration<E> {
  const { cache } = options;
  const access = withRequirement(options.access, options.scope);
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
    ...(access["x-api-key-scope"] ? { "x-api-key-scope": access["x-api-key-scope"] } : {}),
  };
}
