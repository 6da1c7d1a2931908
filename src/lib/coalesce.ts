/**
 * Lets concurrent requests in one isolate share one piece of work (an upstream call) by its
 * plain result, never by its promise. workerd forbids a request to wait on I/O another
 * request started: awaiting another request's promise, or settling a promise another request
 * created, fails ("Cannot perform I/O on behalf of a different request"), and a request's
 * pending I/O is cancelled when it ends, so a promise kept in a module-level map strands (or
 * fails) every request after it.
 *
 * So the first caller (the leader) runs the work and keeps it alive with `waitUntil`, so it
 * finishes even when the leader's own client has gone, then writes the plain outcome on the
 * flight. Later callers (followers) look at the flight on timers of their own until the
 * outcome is there; one that sees nothing within `patienceMs` of the work's start does the
 * work itself, and a flight older than that is no longer joined.
 */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

interface Flight<T> {
  startedAt: number;
  settled?: Settled<T>;
}

export interface CoalesceOptions {
  /** Keeps the leader's work running past the end of the leader's own request. */
  waitUntil(promise: Promise<unknown>): void;
  /** How long a follower waits for the leader before doing the work itself. */
  patienceMs: number;
}

/** A follower looks again after 5 ms, then less often, up to every 50 ms. */
const FIRST_LOOK_MS = 5;
const LAST_LOOK_MS = 50;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const coalesce = createCoalescer<Entry>();
 * const entry = await coalesce(path, () => fetchEntry(path), { waitUntil, patienceMs: 6000 });
 */
export function createCoalescer<T>() {
  const flights = new Map<string, Flight<T>>();

  function lead(key: string, work: () => Promise<T>, options: CoalesceOptions): Promise<T> {
    const flight: Flight<T> = { startedAt: Date.now() };
    flights.set(key, flight);
    const settle = (settled: Settled<T>) => {
      flight.settled = settled;
      if (flights.get(key) === flight) flights.delete(key);
    };
    const promise = work();
    options.waitUntil(
      promise.then(
        (value) => settle({ ok: true, value }),
        (error: unknown) => settle({ ok: false, error }),
      ),
    );
    return promise;
  }

  async function follow(flight: Flight<T>, work: () => Promise<T>, patienceMs: number): Promise<T> {
    let pause = FIRST_LOOK_MS;
    while (!flight.settled && Date.now() - flight.startedAt < patienceMs) {
      await sleep(pause);
      pause = Math.min(pause * 2, LAST_LOOK_MS);
    }
    const { settled } = flight;
    if (!settled) return work();
    if (settled.ok) return settled.value;
    throw settled.error;
  }

  return function coalesce(key: string, work: () => Promise<T>, options: CoalesceOptions): Promise<T> {
    const flight = flights.get(key);
    return flight && Date.now() - flight.startedAt < options.patienceMs
      ? follow(flight, work, options.patienceMs)
      : lead(key, work, options);
  };
}
