import { TrieRouter } from "hono/router/trie-router";

interface RouteInfo {
  method: string;
  path: string;
}

/**
 * Builds a lookup from path to accepted methods out of the app's registered routes,
 * so an unsupported method answers 405 with `Allow` instead of a misleading 404.
 * Built once per isolate, after every route is registered.
 */
export function buildAllowedMethodsLookup(routes: readonly RouteInfo[]): (path: string) => string[] {
  const router = new TrieRouter<string>();
  for (const route of routes) {
    // Middleware registers as ALL on wildcard paths; only concrete endpoints define methods.
    if (route.method === "ALL") continue;
    router.add("ALL", route.path, route.method);
  }
  return (path) => {
    const [matches] = router.match("ALL", path);
    const methods = new Set(matches.map(([method]) => method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}
