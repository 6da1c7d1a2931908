import type { Bindings } from "./env.ts";
import { LAZY_ROUTE_GROUPS, WHOLE_APP_SEGMENTS } from "./route-groups.ts";

type Fetch = (request: Request, env: Bindings, ctx: ExecutionContext) => Response | Promise<Response>;

/** A request URL's first path segment: `notes` for `https://host/notes/1?x`, `` for `/`. */
export function firstSegment(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2) + 1;
  if (start === 0) return "";
  let end = start;
  while (end < url.length && url[end] !== "/" && url[end] !== "?" && url[end] !== "#") end += 1;
  const segment = url.slice(start, end);
  // The router matches percent-decoded paths (`/%6Eotes` is `/notes`), so the choice of app does too.
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Every served segment's key, worked out on the first request rather than per request. */
let keyOfSegment: Map<string, string> | undefined;

/**
 * Which app answers `segment`: "whole", or the indexes of the groups serving it ("" when none
 * does). Keyed by this, an isolate builds at most one app per distinct set of groups, however
 * many unknown paths it is asked for.
 */
export function appKey(segment: string): string {
  keyOfSegment ??= new Map(
    [...new Set(LAZY_ROUTE_GROUPS.flatMap((group) => group.segments))].map((known) => [
      known,
      LAZY_ROUTE_GROUPS.flatMap((group, index) => (group.segments.includes(known) ? [index] : [])).join(","),
    ]),
  );
  if (WHOLE_APP_SEGMENTS.includes(segment)) return "whole";
  return keyOfSegment.get(segment) ?? "";
}

/** An app, and whether it is whole (every group it needs loaded) and may be kept. */
interface Built {
  app: { fetch: Fetch };
  complete: boolean;
}

/**
 * The app for a key of appKey(): only the groups that serve its paths, in mounting order. If a
 * group fails to load, the app answers its paths through the whole middleware stack with the
 * error handler's 500 problem+json (logged, with a request id), and is not kept: the next
 * request tries again.
 */
export async function appForKey(key: string): Promise<Built> {
  if (key === "whole") return { app: (await import("./app.ts")).createApp(), complete: true };
  const groups = key === "" ? [] : key.split(",").flatMap((index) => LAZY_ROUTE_GROUPS[Number(index)] ?? []);
  // The middleware stack and its imports (zod, drizzle, the drivers) load with the first app.
  const [{ assembleApp }, ...loads] = await Promise.all([
    import("./app.assemble.ts"),
    ...groups.map((group) =>
      group.load().then(
        // A bundled module whose evaluation threw counts as evaluated: the next import of it
        // resolves with its exports unset, so an undefined router is a failed load too.
        (router) => router ?? new Error(`route group ${key} did not load`),
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
    ),
  ]);
  const failed = loads.find((load) => load instanceof Error);
  if (failed) {
    return {
      app: assembleApp([], (app) =>
        app.all("*", () => {
          throw failed;
        }),
      ),
      complete: false,
    };
  }
  return { app: assembleApp(loads as Exclude<(typeof loads)[number], Error>[]), complete: true };
}

/**
 * The worker's `fetch`: each first path segment gets its app on its first request, kept for the
 * isolate's life, so startup evaluates no route group and a request loads only its own.
 * A path no group serves gets the app without groups (middleware, then 404 problem+json).
 *
 * A request never waits on another request's build: one that did would sit with no I/O of its
 * own, which workerd takes for a hung request and cancels. Requests that arrive together on a
 * cold path each build the app (the modules load once; only the routing table is repeated),
 * and the first one built is kept.
 */
export function lazyAppFetch(): Fetch {
  const apps = new Map<string, { fetch: Fetch }>();
  return async function fetchLazily(request, env, ctx) {
    const key = appKey(firstSegment(request.url));
    let app = apps.get(key);
    if (!app) {
      const built = await appForKey(key);
      if (!built.complete) return built.app.fetch(request, env, ctx);
      app = apps.get(key) ?? built.app;
      apps.set(key, app);
    }
    return app.fetch(request, env, ctx);
  };
}
