import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { type LiveAudience, liveObject } from "./polls.live.object.ts";

/** The subprotocol a browser offers (with `bearer.<access token>` when it has one). */
export const LIVE_PROTOCOL = "devhub.results.v1";
const BEARER_PROTOCOL = /^bearer\.([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/**
 * Hands the upgrade to the poll's object, which accepts the socket and sends the snapshot.
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
  if (offeredProtocols(c).includes(LIVE_PROTOCOL)) url.searchParams.set("protocol", LIVE_PROTOCOL);
  const upgrade = await liveObject(c.env, pollId).fetch(
    new Request(url, { headers: { Upgrade: "websocket" } }),
  );
  return new Response(upgrade.body, upgrade);
}

function offeredProtocols(c: Context<AppEnv>): string[] {
  return (c.req.header("Sec-WebSocket-Protocol") ?? "")
    .split(",")
    .map((protocol) => protocol.trim())
    .filter(Boolean);
}

/**
 * Browsers cannot set `Authorization` on a WebSocket, so the access token may ride as the
 * subprotocol `bearer.<jwt>` next to LIVE_PROTOCOL (the server never echoes it back).
 */
export function bearerFromProtocols(c: Context<AppEnv>): string | undefined {
  for (const protocol of offeredProtocols(c)) {
    const match = BEARER_PROTOCOL.exec(protocol);
    if (match) return match[1];
  }
  return undefined;
}
