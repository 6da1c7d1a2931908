import { withTimeout } from "./timeout.ts";

/** A dependency probe must answer well inside a load balancer's own timeout. */
const PROBE_TIMEOUT_MS = 2_000;

/** What one ping of a dependency found: the shape /health/ready publishes and /stats reads. */
export interface DependencyCheck {
  status: "up" | "down";
  /** Milliseconds, to a tenth: finer digits would be timer noise. */
  latency_ms: number;
  /** The error class only: driver messages can carry host names. */
  error?: string;
}

const tenths = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Times one ping of a dependency; a failure or a ping past the budget is `down`, never a throw.
 *
 * @example
 * const postgres = await probe(() => db.execute(sql`select 1`), "postgres");
 */
export async function probe(ping: () => Promise<unknown>, what: string): Promise<DependencyCheck> {
  const started = performance.now();
  try {
    await withTimeout(ping(), PROBE_TIMEOUT_MS, what);
    return { status: "up", latency_ms: tenths(performance.now() - started) };
  } catch (error) {
    const kind = error instanceof Error ? error.name : "Error";
    return { status: "down", latency_ms: tenths(performance.now() - started), error: kind };
  }
}
