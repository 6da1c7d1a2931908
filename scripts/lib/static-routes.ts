/**
 * Where static assets live (`/*` ends a prefix). The asset router answers a path from public/
 * before the worker sees it, so a file anywhere else could answer in place of an API route:
 * the build (scripts/build-assets.ts) refuses one, and test/node/static-assets.test.ts checks
 * that no route of the app lives here.
 */
export const STATIC_ROUTES = [
  "/docs/init.js",
  "/docs/theme.css",
  "/docs/vendor/*",
  "/pages/*",
  "/favicon.svg",
  "/favicon.ico",
] as const;

/** Whether a URL path (or a router pattern) falls under one of STATIC_ROUTES. */
export function isStaticPath(path: string): boolean {
  return STATIC_ROUTES.some((route) =>
    route.endsWith("/*") ? path.startsWith(route.slice(0, -1)) : path === route,
  );
}
