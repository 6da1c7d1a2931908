/**
 * `node scripts/bench/abuse.ts`: the two abuse figures of issue 12, against the built worker
 * in workerd (Miniflare), a real PostgreSQL server and the local GitHub upstream, with the
 * rate-limit budgets exactly as wrangler.toml sets them.
 *
 * 1. Search flood: user A owns 300 notes of 100 KB; 30 clients search `q=zq` (matches
 *    nothing, so the substring fallback scans all of them) in a closed loop for
 *    ABUSE_SECONDS, while user B reads one of its own notes in a loop. Reports B's p50/p90
 *    alone and under the flood, and the statuses A got.
 * 2. GitHub: 60 requests for 60 uncached users (3 pages each) from one address; reports the
 *    upstream calls they caused and the statuses.
 *
 * It only uses what the base commit has too, so it can be copied into a checkout of the base
 * and run there for the "before" figures.
 */
import { sign } from "hono/jwt";
import pg from "pg";
import { startGithubUpstream } from "../lib/github-upstream.ts";
import { buildWorker, startLocalWorker } from "../lib/local-worker.ts";
import { startPostgresServer } from "../lib/postgres-server.ts";
import { migrateDatabase } from "../migrate.ts";
import { percentile } from "./percentiles.ts";

const SECONDS = Number(process.env.ABUSE_SECONDS ?? 8);
/**
 * Each flooding client starts a search at most this often (0 = back to back). With a pace,
 * the load on the worker itself is bounded and what is compared is the database's share;
 * back to back, one local isolate on a small machine is also busy refusing requests.
 */
const PACE_MS = Number(process.env.ABUSE_PACE_MS ?? 1000);
/** The other user reads at about 6 a second: well inside its own 600/min budgets. */
const VICTIM_PACE_MS = 150;
const JWT_SECRET = "bench-only-jwt-secret-0123456789abcdef";

function countStatuses(statuses: number[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

async function createUser(db: pg.Client, label: string): Promise<{ id: string; token: string }> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO users (id, email, password_hash, display_name)
     VALUES (gen_random_uuid(), $1, 'pbkdf2-sha256$1$x$x', $2) RETURNING id`,
    [`${label}-${Date.now()}@bench.test`, label],
  );
  const id = rows[0]?.id as string;
  const now = Math.floor(Date.now() / 1000);
  const token = await sign(
    { sub: id, role: "user", iss: "devhub-api", aud: "devhub-api", iat: now, nbf: now, exp: now + 3600 },
    JWT_SECRET,
    "HS256",
  );
  return { id, token };
}

async function main() {
  const database = await startPostgresServer();
  const github = await startGithubUpstream();
  try {
    await migrateDatabase(database.url);
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const attacker = await createUser(db, "attacker");
    const victim = await createUser(db, "victim");
    // 100 KB of words per note that never contain "zq".
    await db.query(
      `INSERT INTO notes (id, user_id, title, content)
       SELECT gen_random_uuid(), $1, 'bulk ' || i, left(repeat('lorem ipsum dolor sit amet ' || i || ' ', 4000), 102400)
       FROM generate_series(1, 300) AS i`,
      [attacker.id],
    );
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO notes (id, user_id, title, content) VALUES (gen_random_uuid(), $1, 'mine', 'short') RETURNING id`,
      [victim.id],
    );
    await db.query("ANALYZE notes");
    await db.end();
    const victimNote = rows[0]?.id as string;

    buildWorker();
    const worker = await startLocalWorker({
      databaseUrl: database.url,
      githubApiUrl: github.url,
      bindings: { JWT_SECRET, LOG_LEVEL: "error", STATS_FLUSH_MS: "0" },
      // Ignored by the base commit (it has no Rate Limiting bindings).
      rateLimits: "wrangler",
    } as Parameters<typeof startLocalWorker>[0]);
    const call = (path: string, token?: string, ip = "203.0.113.7") =>
      fetch(new URL(path, worker.url), {
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), "CF-Connecting-IP": ip },
        signal: AbortSignal.timeout(30_000),
      }).then(
        async (response) => {
          await response.arrayBuffer();
          return response.status;
        },
        () => 0,
      );

    const readLoop = async (until: number) => {
      const latencies: number[] = [];
      const statuses: number[] = [];
      while (Date.now() < until) {
        const started = performance.now();
        statuses.push(await call(`/notes/${victimNote}`, victim.token, "198.51.100.9"));
        const took = performance.now() - started;
        latencies.push(took);
        if (took < VICTIM_PACE_MS) await new Promise((resolve) => setTimeout(resolve, VICTIM_PACE_MS - took));
      }
      return { latencies, statuses };
    };

    await readLoop(Date.now() + 1000); // warm-up
    const alone = await readLoop(Date.now() + 3000);

    const until = Date.now() + SECONDS * 1000;
    const searchStatuses: number[] = [];
    const searchLatencies: number[] = [];
    const flood = Array.from({ length: 30 }, async (_, i) => {
      while (Date.now() < until) {
        const started = performance.now();
        searchStatuses.push(await call("/notes?q=zq", attacker.token, `203.0.113.${i + 1}`));
        const took = performance.now() - started;
        searchLatencies.push(took);
        if (took < PACE_MS) await new Promise((resolve) => setTimeout(resolve, PACE_MS - took));
      }
    });
    const [underFlood] = await Promise.all([readLoop(until), ...flood]);

    const logins = Array.from({ length: 60 }, (_, i) => `r250-abuse${i}`);
    const githubStatuses: number[] = [];
    for (let i = 0; i < logins.length; i += 10) {
      githubStatuses.push(
        ...(await Promise.all(logins.slice(i, i + 10).map((login) => call(`/github/users/${login}/repos`)))),
      );
    }
    let upstreamCalls = 0;
    for (const login of logins) {
      const stats = (await (await fetch(`${github.url}/__stats/users/${login}`)).json()) as {
        requests: number;
      };
      upstreamCalls += stats.requests;
    }
    await worker.stop();

    const round = (value: number) => Math.round(value);
    console.log(
      JSON.stringify(
        {
          victim_alone: {
            requests: alone.latencies.length,
            p50_ms: round(percentile(alone.latencies, 50)),
            p90_ms: round(percentile(alone.latencies, 90)),
          },
          victim_under_search_flood: {
            requests: underFlood.latencies.length,
            p50_ms: round(percentile(underFlood.latencies, 50)),
            p90_ms: round(percentile(underFlood.latencies, 90)),
            statuses: countStatuses(underFlood.statuses),
          },
          attacker_searches: {
            pace_ms: PACE_MS,
            requests: searchStatuses.length,
            p50_ms: round(percentile(searchLatencies, 50)),
            statuses: countStatuses(searchStatuses),
          },
          github_60_misses_one_address: {
            upstream_calls: upstreamCalls,
            statuses: countStatuses(githubStatuses),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await github.stop();
    await database.stop();
  }
}

await main();
