import type { Context } from "hono";
import { ApiError } from "./problem.ts";

/**
 * Where a browser says a request comes from: `Sec-Fetch-Site`, or `Origin` where that header
 * is absent (older browsers). Both are forbidden headers, so a script on another site
 * cannot fake them. `unknown`: neither was sent (a non-browser client, or a very old browser).
 */
export function requestSite(c: Context): "same-origin" | "cross-origin" | "unknown" {
  const site = c.req.header("Sec-Fetch-Site");
  if (site) return site === "same-origin" ? "same-origin" : "cross-origin";
  const origin = c.req.header("Origin");
  if (origin) return origin === new URL(c.req.url).origin ? "same-origin" : "cross-origin";
  return "unknown";
}

/**
 * The cross-site request forgery guard of every state change a browser authenticates by
 * itself (the voter cookie; a socket the page opens): refuses a request a browser sent from
 * another site, which would act with the visitor's cookie and address. A request that says
 * nothing about its origin passes where `unknown: "allow"` (API clients; the voter cookie,
 * SameSite=Lax, is not sent cross-site anyway) and is refused where only this site's pages
 * may call (the form post). Bearer-authenticated calls are not ambient: callers skip this.
 */
export function refuseCrossOrigin(
  c: Context,
  { unknown, detail }: { unknown: "allow" | "refuse"; detail: string },
) {
  const site = requestSite(c);
  if (site === "same-origin" || (site === "unknown" && unknown === "allow")) return;
  throw new ApiError("forbidden", { detail });
}
