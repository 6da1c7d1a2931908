import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The deliveries a request created, handed to the queue once the response is ready. Kept in
 * AsyncLocalStorage so `recordEvent(tx, event)` stays one call wherever a write happens; the
 * middleware (events.middleware.ts) opens one per request and sends what it collected.
 * A delivery of a transaction that then rolled back no longer exists: the consumer finds no
 * row and drops the message. One the isolate never sends is found by the sweeper.
 */
const current = new AsyncLocalStorage<string[]>();

/** Runs `work` with a fresh collector and returns what it collected. */
export async function collectDeliveries(work: () => Promise<void>): Promise<string[]> {
  const collected: string[] = [];
  await current.run(collected, work);
  return collected;
}

/** Notes deliveries to send after the response (a no-op outside a request, e.g. the cron). */
export function noteDeliveries(ids: readonly string[]): void {
  if (ids.length > 0) current.getStore()?.push(...ids);
}
