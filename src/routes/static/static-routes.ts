/**
 * Where static files are served, in the router's notation: the build refuses a file outside
 * them (it would be unreachable), and no API route lives under them, so a file can never
 * answer in place of one.
 */
export const STATIC_ROUTES = [
  "/docs/init.js",
  "/docs/theme.css",
  "/docs/vendor/*",
  "/pages/*",
  "/favicon.svg",
  "/favicon.ico",
] as const;

/** Whether a file's URL path falls under one of STATIC_ROUTES. */
export function isStaticPath(path: string): boolean {
  return STATIC_ROUTES.some((route) =>
    route.endsWith("/*") ? path.startsWith(route.slice(0, -1)) : path === route,
  );
}
