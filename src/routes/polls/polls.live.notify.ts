import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { describeError } from "../../lib/describe-error.ts";

/**
 * The poll's live object (one per poll, by name). Lives here, not beside the class: the
 * class file imports `cloudflare:workers`, which the Node-side tests cannot load.
 */
export const liveObject = (env: Env, pollId: string) => env.POLL_LIVE.get(env.POLL_LIVE.idFromName(pollId));

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
