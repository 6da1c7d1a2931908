/**
 * The load generator, run as its own process so it never competes with the worker's
 * event loop: `node scripts/bench/load.ts <spec.json>` prints one JSON result line.
 * A spec names the base request and, optionally, variants cycled through per request
 * (distinct note ids, voters, GitHub users…).
 */
import { readFile } from "node:fs/promises";
import autocannon from "autocannon";

export interface LoadSpec {
  url: string;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  variants?: Array<{ path?: string; headers?: Record<string, string>; body?: string }>;
  connections: number;
  durationSeconds: number;
}

const spec = JSON.parse(await readFile(process.argv[2] as string, "utf8")) as LoadSpec;
let next = 0;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.durationSeconds,
  requests: [
    {
      method: spec.method as "GET",
      path: spec.path,
      headers: spec.headers,
      body: spec.body,
      setupRequest: (request) => {
        const variant = spec.variants?.[next++ % spec.variants.length];
        if (!variant) return request;
        return {
          ...request,
          path: variant.path ?? request.path,
          headers: { ...request.headers, ...variant.headers },
          body: variant.body ?? request.body,
        };
      },
    },
  ],
});
const statuses = Object.fromEntries(
  Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, stat.count]),
);
console.log(
  JSON.stringify({
    requests: result.requests.total,
    // Includes requests still in flight when the clock stopped: the server did their work too.
    sent: result.requests.sent,
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statuses,
  }),
);
