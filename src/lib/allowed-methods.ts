import { TrieRouter } from "hono/router/trie-router";

interface RouteInfo {
  method: string;
  path: string;
}

/**
 * Builds a lookup from path to accepted methods out of the app's registered routes,
 * so an unsupported method answers 405 with `Allow` instead of a misleading 404.
 * The router behind it is built on the first unmatched request, once per isolate: only
 * a 404 or 405 needs it, so startup does not pay for it.
 */
export function buildAllowedMethodsLookup(routes: readonly RouteInfo[]): (path: string) => string[] {
  let router: TrieRouter<string> | undefined;
  const routerOfRoutes = (): TrieRouter<string> => {
    if (router) return router;
    router = new TrieRouter<string>();
    for (const route of routes) {
      // Middleware registers as ALL on wildcard paths; only concrete endpoints define methods.
      if (route.method === "ALL") continue;
      router.add("ALL", route.path, route.method);
    }
    return router;
  };
  return (path) => {
    const [matches] = routerOfRoutes().match("ALL", path);
    const methods = new Set(matches.map(([method]) => method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}
