import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../lib/problem.ts";

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

/** `Accept` as media ranges with their weights (RFC 9110 §12.5.1); junk entries are skipped. */
export function parseAccept(header: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const entry of header.split(",")) {
    const [range = "", ...parameters] = entry.split(";");
    // A bare `*` (sent by some HTTP libraries) can only mean `*/*`.
    const name = range.trim() === "*" ? "*/*" : range.trim().toLowerCase();
    const [type, subtype] = name.split("/");
    if (!type || !subtype) continue;
    const weight = parameters.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith("q="));
    const q = weight === undefined ? 1 : Number(weight.slice(2));
    ranges.push({ type, subtype, q: Number.isFinite(q) ? q : 0 });
  }
  return ranges;
}

/** How much `ranges` want `mediaType`: the weight of the most specific range that matches it. */
export interface Preference {
  q: number;
  /** 2 for the exact type, 1 for `type/*`, 0 for `*\/*`, -1 when nothing matches. */
  specificity: number;
}

export function preference(ranges: MediaRange[], mediaType: string): Preference {
  const [type, subtype] = mediaType.toLowerCase().split("/");
  let best: Preference = { q: 0, specificity: -1 };
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype
        ? 2
        : range.type === type && range.subtype === "*"
          ? 1
          : range.type === "*" && range.subtype === "*"
            ? 0
            : -1;
    if (specificity > best.specificity) best = { specificity, q: range.q };
  }
  return best;
}

/**
 * Whether `mediaType` is acceptable: the most specific range that matches it decides, so
 * `application/json;q=0, *\/*` refuses JSON while accepting the rest.
 */
export function accepts(ranges: MediaRange[], mediaType: string): boolean {
  return preference(ranges, mediaType).q > 0;
}

/**
 * Which of two representations to send (RFC 9110 §12.5.1): the higher weight; on equal
 * weights the one the client named more specifically (`text/csv, *\/*` asks for CSV); else
 * the first. Choosing by the same rules the middleware checks by means a route never
 * picks a type that is then refused with 406 while the other one was acceptable.
 */
export function preferred(acceptHeader: string | undefined, first: string, second: string): string {
  const ranges = parseAccept(acceptHeader ?? "");
  if (ranges.length === 0) return first;
  const a = preference(ranges, first);
  const b = preference(ranges, second);
  if (b.q > a.q || (b.q === a.q && b.q > 0 && b.specificity > a.specificity)) return second;
  return first;
}

/**
 * What a state-changing request is answered with when it succeeds: JSON. (Its errors are
 * problem+json whatever `Accept` says, so admitting only those is no reason to write; the
 * poll page's form post is answered by a bodiless 303, and a browser's Accept ends in `*\/*`.)
 */
const WRITE_ANSWER = "application/json";

/**
 * Content negotiation (RFC 9110 §15.5.7): a client whose `Accept` admits nothing this
 * API can send gets 406 problem+json, not a body it said it cannot read. No `Accept`
 * means anything goes. Reads are checked against what the route actually produced (the
 * results route and CSV export send CSV, pages send HTML, the document JSON), so no
 * table of paths and types is kept here; a refused read is thrown away before it is
 * sent. Writes are checked before the handler runs, so a refused write changes nothing.
 * Errors stay problem+json whatever `Accept` says: the 406 itself is one.
 */
export function negotiate(): MiddlewareHandler<AppEnv> {
  return async function negotiateMiddleware(c, next) {
    const header = c.req.header("Accept");
    // No exemption for `Upgrade`: a WebSocket handshake is answered 101, which the read check
    // below never inspects, and any other request must not skip the write check by naming one.
    if (!header?.trim()) return next();
    const ranges = parseAccept(header);
    // A header with no valid media range says nothing; RFC 9110 §12.5.1 lets us disregard it.
    if (ranges.length === 0) return next();
    const read = c.req.method === "GET" || c.req.method === "HEAD";
    if (!read && !accepts(ranges, WRITE_ANSWER)) throw notAcceptable();
    await next();
    const status = c.res.status;
    if (!read || status < 200 || status >= 300 || status === 204) return;
    const produced = c.res.headers.get("Content-Type")?.split(";")[0]?.trim();
    if (produced && !accepts(ranges, produced)) {
      await c.res.body?.cancel();
      const kept = keptOnRefusal(c.res.headers);
      // Dropped, not just replaced: Hono copies the old response's headers onto an error
      // response, so the 406 would carry the refused representation's ETag, Set-Cookie,
      // Content-Disposition and Cache-Control (`public, max-age=300` on /openapi.json made
      // the 406 storable by shared caches, which do not key on Accept).
      c.res = undefined;
      throw notAcceptable(produced, kept);
    }
  };
}

/** What a refused read's answer still says: the budgets spent on it, and that it varied on Accept. */
function keptOnRefusal(refused: Headers): Record<string, string> {
  const kept: Record<string, string> = { Vary: "Accept" };
  for (const [name, value] of refused) if (name.startsWith("ratelimit")) kept[name] = value;
  return kept;
}

function notAcceptable(produced?: string, headers?: Record<string, string>): ApiError {
  const offer = produced ? `This resource is ${produced}` : "This API answers writes with application/json";
  return new ApiError("not-acceptable", {
    detail: `${offer}; the request's Accept admits none of it.`,
    headers,
  });
}
