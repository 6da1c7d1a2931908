/**
 * `node scripts/bench/github-rotation.ts`: how many calls to GitHub a client rotating through
 * addresses can cause. ROTATION_ADDRESSES (20) clients, each from its own IPv6 /64 in
 * 2001:db8::/32, ask for ROTATION_USERS (15) GitHub profiles nobody has asked for (each a
 * miss: the user and the first page of repositories, two upstream calls), all within a minute,
 * against the built worker in workerd and the local GitHub stand-in, with the rate limits
 * exactly as the code and wrangler.toml set them. Reports the upstream calls GitHub received
 * and the statuses the clients got. ROTATION_SPREAD_S spreads the requests over that many
 * seconds (0: as fast as they go, ten at a time).
 *
 * It only uses what the base commit has too, so it can be copied into a checkout of the base
 * and run there for the "before" figures. GitHub routes never query PostgreSQL, so none runs.
 */
import { startGithubUpstream } from "../lib/github-upstream.ts";
import { buildWorker, startLocalWorker } from "../lib/local-worker.ts";

const ADDRESSES = Number(process.env.ROTATION_ADDRESSES ?? 20);
const USERS = Number(process.env.ROTATION_USERS ?? 15);
const SPREAD_S = Number(process.env.ROTATION_SPREAD_S ?? 0);

async function main() {
  const github = await startGithubUpstream();
  try {
    buildWorker();
    const worker = await startLocalWorker({
      databaseUrl: "postgres://bench:bench@127.0.0.1:9/unused",
      githubApiUrl: github.url,
      bindings: { LOG_LEVEL: "error" },
      rateLimits: "wrangler",
    });
    // A fresh /48 and fresh logins per run, so nothing is cached or counted from a previous one.
    const run = (Date.now() % 0x10000).toString(16);
    const requests = Array.from({ length: ADDRESSES * USERS }, (_, i) => ({
      ip: `2001:db8:${run}:${(i % ADDRESSES).toString(16)}::${(i + 1).toString(16)}`,
      login: `r12-rot${run}-${i}`,
    }));
    const statuses: number[] = [];
    const started = Date.now();
    const ask = async ({ ip, login }: (typeof requests)[number]) => {
      const response = await fetch(new URL(`/github/users/${login}`, worker.url), {
        headers: { "CF-Connecting-IP": ip },
        signal: AbortSignal.timeout(30_000),
      }).catch(() => undefined);
      await response?.arrayBuffer();
      statuses.push(response?.status ?? 0);
    };
    for (let i = 0; i < requests.length; i += 10) {
      if (SPREAD_S > 0) {
        const due = started + (i / requests.length) * SPREAD_S * 1000;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
      }
      await Promise.all(requests.slice(i, i + 10).map(ask));
    }
    const seconds = (Date.now() - started) / 1000;
    let upstreamCalls = 0;
    for (const { login } of requests) {
      const stats = (await (await fetch(`${github.url}/__stats/users/${login}`)).json()) as {
        requests: number;
      };
      upstreamCalls += stats.requests;
    }
    await worker.stop();
    const counts: Record<string, number> = {};
    for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
    console.log(
      JSON.stringify(
        { addresses: ADDRESSES, users_each: USERS, seconds, upstream_calls: upstreamCalls, statuses: counts },
        null,
        2,
      ),
    );
  } finally {
    await github.stop();
  }
}

await main();
