import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../lib/problem.ts";
import type { LiveRefusal } from "./polls.live.limits.ts";
import { liveObject } from "./polls.live.notify.ts";
import type { LiveAudience } from "./polls.live.object.ts";
import { clientAddressHash } from "./polls.voter.ts";

/** The subprotocol a browser offers (with `bearer.<access token>` when it has one). */
export const LIVE_PROTOCOL = "devhub.results.v1";

/** Why the object refused a socket, as the problem the client gets. */
const REFUSALS: Record<LiveRefusal, () => ApiError> = {
  address: () =>
    new ApiError("too-many-live-sockets", {
      detail:
        "This network address holds the maximum number of live-results sockets on this poll; close one first.",
      headers: { "Retry-After": "60" },
    }),
  poll: () =>
    new ApiError("live-results-full", {
      detail:
        "This poll's live results have the maximum number of subscribers; read GET /polls/{id}/results instead.",
      headers: { "Retry-After": "60" },
    }),
};

/**
 * Hands the upgrade to the poll's object, which counts the sockets (it alone knows them),
 * accepts this one and sends the snapshot. The caps and the idle time come from this
 * request's configuration; the address travels as a keyed per-poll hash (polls.voter.ts).
 * The object's answer came from `fetch()`, so its headers are immutable; it is re-wrapped
 * (same status, headers and socket) because every response leaves through middleware that
 * stamps the request id, security, CORS and RateLimit headers on it.
 */
export async function connectLiveResults(
  c: Context<AppEnv>,
  pollId: string,
  audience: LiveAudience,
): Promise<Response> {
  const url = new URL("https://poll-live.internal/connect");
  url.searchParams.set("poll", pollId);
  url.searchParams.set("audience", audience);
  url.searchParams.set("address", await clientAddressHash(c, pollId, c.var.client.key));
  const limits = c.var.config.liveSockets;
  url.searchParams.set("perAddress", String(limits.perAddress));
  url.searchParams.set("perPoll", String(limits.perPoll));
  url.searchParams.set("idleSeconds", String(limits.idleSeconds));
  if (offeredProtocols(c).includes(LIVE_PROTOCOL)) url.searchParams.set("protocol", LIVE_PROTOCOL);
  const upgrade = await liveObject(c.env, pollId).fetch(
    new Request(url, { headers: { Upgrade: "websocket" } }),
  );
  const refused = upgrade.headers.get("X-Live-Refused") as LiveRefusal | null;
  if (refused) throw REFUSALS[refused]();
  return new Response(upgrade.body, upgrade);
}

function offeredProtocols(c: Context<AppEnv>): string[] {
  return (c.req.header("Sec-WebSocket-Protocol") ?? "")
    .split(",")
    .map((protocol) => protocol.trim())
    .filter(Boolean);
}
