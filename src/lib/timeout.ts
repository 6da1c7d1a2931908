export class TimeoutError extends Error {
  override name = "TimeoutError";
}

/**
 * Races a promise against a timer; the timer is cleared either way so an isolate is
 * never kept busy by a forgotten timeout.
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * withTimeout for an answer from a peer, measured against the peer and not against this
 * isolate: when the timer fires, the work gets one more turn of the event loop before it is
 * given up. An isolate busy with a burst of requests runs the timer late, and by then the
 * peer's answer may be waiting to be read behind the same backlog; it counts as in time. A
 * peer that is silent stays silent through the extra turn, so the deadline still holds for it.
 */
export async function withPeerTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let settled = false;
  const tracked = work.finally(() => {
    settled = true;
  });
  tracked.catch(() => undefined);
  try {
    return await withTimeout(tracked, ms, what);
  } catch (error) {
    if (!(error instanceof TimeoutError)) throw error;
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (settled) return tracked;
    throw error;
  }
}
