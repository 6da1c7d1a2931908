import type { AppRouteHandler } from "../../lib/types.ts";
import { preferred } from "../../middleware/negotiate.ts";
import { API_VERSION } from "../../version.ts";
import { homePage } from "../pages/home.page.tsx";
import type { HomeRoute } from "./home.routes.ts";

/** The places a newcomer (person or program) wants first; the docs page only where it is on. */
export function serviceLinks(docsEnabled: boolean) {
  return [
    { rel: "service-desc", href: "/openapi.json", type: "application/json", title: "OpenAPI 3.1 document" },
    ...(docsEnabled
      ? [{ rel: "service-doc", href: "/docs", type: "text/html", title: "API reference (Swagger UI)" }]
      : []),
    { rel: "status", href: "/status", type: "text/html", title: "Live status page" },
    { rel: "health", href: "/health", type: "application/json", title: "Liveness probe" },
    { rel: "github", href: "/gh", type: "text/html", title: "GitHub dashboard: look up a user" },
    { rel: "polls", href: "/p", type: "text/html", title: "Polls: what they are and how to open one" },
  ];
}

/**
 * GET / — HTML for a browser, a JSON index for everyone else: `*\/*` (curl, fetch) and no
 * Accept mean JSON, as on the rest of the API; only an explicit preference for HTML gets the page.
 */
export const home: AppRouteHandler<HomeRoute> = (c) => {
  c.header("Vary", "Accept");
  if (preferred(c.req.header("Accept"), "application/json", "text/html") === "text/html") {
    return homePage(c, serviceLinks(c.var.config.docsEnabled)) as never;
  }
  // Private: shared caches key on the URL alone, and would hand this JSON to a browser.
  c.header("Cache-Control", "private, max-age=300");
  return c.json(
    {
      name: "devhub-api" as const,
      description: "Notes, a cached GitHub dashboard and polls, with live self-monitoring.",
      version: API_VERSION,
      links: serviceLinks(c.var.config.docsEnabled),
    },
    200,
  );
};
