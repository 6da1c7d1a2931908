import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "../../env.ts";
import { contentEtag, ifNoneMatchHits } from "../../lib/etag.ts";
import { ApiError } from "../../lib/problem.ts";
import { preferred } from "../../middleware/negotiate.ts";
import { errorCard, MAX_CARD_BYTES, THEMES, type Theme } from "./cards.svg.ts";

/**
 * An SVG opened on its own is a document: this CSP lets it use its inline <style> and
 * nothing else (no script, no fetches, no frames). Embedded as an <img>, scripts never run.
 */
export const CARD_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";
const SVG_TYPE = "image/svg+xml; charset=utf-8";

/**
 * A card with a strong ETag over its bytes, and caching that suits GitHub's image proxy
 * (camo) and browsers: shared caches may keep it `maxAge` seconds and serve it stale for a
 * day while they refetch. 304 when the client holds it.
 */
export async function sendCard(c: Context<AppEnv>, svg: string, maxAge: number) {
  if (new TextEncoder().encode(svg).byteLength > MAX_CARD_BYTES) {
    throw new ApiError("internal-error", { detail: "The card grew past its size bound." });
  }
  const etag = await contentEtag(svg);
  c.header("ETag", etag);
  c.header("Cache-Control", `public, max-age=${maxAge}, stale-while-revalidate=86400`);
  c.header("Content-Security-Policy", CARD_CSP);
  if (ifNoneMatchHits(c.req.header("If-None-Match"), etag)) return c.body(null, 304);
  return c.body(svg, 200, { "Content-Type": SVG_TYPE });
}

/** The theme asked for, for the error card too (which is drawn before validation ran, or after it failed). */
const themeOf = (c: Context<AppEnv>): Theme => {
  const asked = c.req.query("theme");
  return THEMES.find((theme) => theme === asked) ?? "auto";
};

/** A client that asked for JSON (an API client, not an <img>) gets the problem as it is. */
const wantsProblem = (accept: string | undefined) =>
  preferred(accept, "image/svg+xml", "application/problem+json") !== "image/svg+xml" ||
  preferred(accept, "image/svg+xml", "application/json") !== "image/svg+xml";

/**
 * Turns every problem answered under /cards (bad input, unknown user, hidden results,
 * budgets, GitHub failing) into an error card with the same status and headers: an <img>
 * shows a small card saying what went wrong, never a broken image. Client errors may be
 * cached a minute; a 429 or 5xx is never stored, so the next view retries.
 *
 * @example cardsRouter.use("/cards/*", errorCards())
 */
export function errorCards(): MiddlewareHandler<AppEnv> {
  return async function errorCardsMiddleware(c, next) {
    await next();
    // Set first: on a finished response `c.header` makes a new one, so headers are read after.
    c.header("Vary", "Accept", { append: true });
    const { status, headers } = c.res;
    if (status < 400 || !headers.get("Content-Type")?.startsWith("application/problem+json")) return;
    if (wantsProblem(c.req.header("Accept"))) return;
    const problem = (await c.res
      .clone()
      .json()
      .catch(() => ({}))) as { detail?: string; title?: string };
    headers.set("Cache-Control", status === 429 || status >= 500 ? "no-store" : "public, max-age=60");
    headers.set("Content-Security-Policy", CARD_CSP);
    headers.delete("Content-Length");
    c.res = new Response(errorCard(status, problem.detail ?? problem.title ?? "Error", themeOf(c)), {
      status,
      headers: { "Content-Type": SVG_TYPE },
    });
  };
}
