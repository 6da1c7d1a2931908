import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { describeError } from "../../lib/describe-error.ts";
import type { LiveAudience } from "./polls.live-object.ts";

/** The subprotocol a browser offers (with `bearer.<access token>` when it has one: route-auth.ts). */
export const LIVE_PROTOCOL = "devhub.results.v1";

const liveObject = (env: AppEnv["Bindings"], pollId: string) =>
  env.POLL_LIVE.get(env.POLL_LIVE.idFromName(pollId));

export type LiveEvent = "resultsChanged" | "pollEdited" | "pollClosed" | "pollDeleted";

/**
 * Tells the poll's live object, after the response: the database already holds the change,
 * so a lost notification delays an update (the object re-reads within seconds) but never
 * falsifies one.
 */
export function notifyLiveResults<E extends AppEnv>(c: Context<E>, pollId: string, event: LiveEvent): void {
  const call = liveObject(c.env, pollId)
    [event]()
    .catch((error: unknown) =>
      c.var.log.warn("system", "poll.live_notify_failed", {
        poll_id: pollId,
        event,
        error: describeError(error),
      }),
    );
  c.executionCtx.waitUntil(call);
}

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
