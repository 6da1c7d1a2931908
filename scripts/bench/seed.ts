/** Bulk data for the benchmark, written straight to Postgres (seeding is not what is measured). */
import { sign } from "hono/jwt";
import pg from "pg";

/** The bench worker's signing secret: its tokens are minted here instead of by logging in. */
export const BENCH_JWT_SECRET = "bench-only-jwt-secret-0123456789abcdef";

/** An hour-long access token for a seeded account, as the worker issues them. */
export function benchAccessToken(userId: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    { sub: userId, role: "user", iss: "devhub-api", aud: "devhub-api", iat: now, exp: now + 3600 },
    BENCH_JWT_SECRET,
    "HS256",
  );
}

const WORDS = [
  "deploy",
  "release",
  "kubernetes",
  "postgres",
  "latency",
  "cache",
  "edge",
  "worker",
  "schema",
  "index",
  "rollback",
  "metrics",
  "tracing",
  "budget",
  "roadmap",
  "incident",
  "review",
  "design",
  "api",
  "queue",
];

export async function seedNotes(url: string, userId: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The role's statement budget is for the API; a bulk seed on a busy machine may need longer.
  await client.query("SET statement_timeout = 0");
  try {
    const result = await client.query<{ id: string }>(
      `INSERT INTO notes (id, user_id, title, content, tags, created_at, updated_at)
       SELECT gen_random_uuid(), $1,
              'Note ' || i || ' about ' || ($2::text[])[1 + i % 20] || ' and ' || ($2::text[])[1 + (i * 7) % 20],
              repeat('Body text on ' || ($2::text[])[1 + (i * 3) % 20] || ' and ' || ($2::text[])[1 + (i * 11) % 20] || '. ', 8),
              ARRAY[($2::text[])[1 + i % 20], ($2::text[])[1 + (i * 5) % 20]],
              now() - (i || ' seconds')::interval, now() - (i || ' seconds')::interval
       FROM generate_series(1, $3) AS i
       RETURNING id`,
      [userId, WORDS, count],
    );
    await client.query("ANALYZE notes");
    return result.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

/** Accounts that exist only to vote: the benchmark signs their access tokens itself. */
export async function seedVoters(url: string, count: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The role's statement budget is for the API; a bulk seed on a busy machine may need longer.
  await client.query("SET statement_timeout = 0");
  try {
    const result = await client.query<{ id: string }>(
      `INSERT INTO users (id, email, password_hash, display_name)
       SELECT gen_random_uuid(), 'voter-' || i || '-' || $2 || '@bench.test', 'pbkdf2-sha256$1$x$x', 'Voter ' || i
       FROM generate_series(1, $1) AS i RETURNING id`,
      [count, Date.now()],
    );
    return result.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

export const SEARCH_WORDS = WORDS;
