/**
 * How every GitHub-backed JSON answer is sent: serialised once with its own ETag, then the
 * cache headers, or a 304 when the client already holds it. Shared by the route groups'
 * handlers (user, organisation, repository parts).
 */
import type { Context } from "hono";
import type { AppEnv } from "../../env.ts";
import { memoised } from "../../github-client/derived-cache.ts";
import { sha256 } from "../../lib/crypto.ts";
import { ifNoneMatchHits } from "../../lib/etag.ts";
import type { RepoQuery } from "./github.schemas.ts";
import type { CacheOutcome, collectRepos } from "./github.service.ts";
import { selectRepos } from "./github.shape.ts";

export interface Rendered {
  body: string;
  etag: string;
}

export async function render(payload: unknown): Promise<Rendered> {
  const body = JSON.stringify(payload);
  return { body, etag: `"${(await sha256(body)).slice(0, 27)}"` };
}

/** Our own ETag over the exact body, plus the cache headers; 304 when the client has it. */
export async function respond(c: Context<AppEnv>, rendered: Rendered, outcome: CacheOutcome) {
  const { body, etag } = rendered;
  c.header("ETag", etag);
  c.header("Cache-Status", outcome.state);
  c.set("cacheState", outcome.state);
  c.header("Age", String(outcome.ageSeconds));
  c.header("Cache-Control", "public, max-age=60");
  if (ifNoneMatchHits(c.req.header("If-None-Match"), etag)) return c.body(null, 304);
  return c.body(body, 200, { "Content-Type": "application/json" });
}

/** A user's or an organisation's repository list as sent, memoised while its pages are unchanged. */
export function renderRepoList(
  owner: { username: string } | { org: string },
  collected: Awaited<ReturnType<typeof collectRepos>>,
  query: RepoQuery,
): Promise<Rendered> {
  return memoised(`repos:${JSON.stringify(owner)}:${JSON.stringify(query)}`, collected.version, () => {
    const selected = selectRepos(collected.repos, query);
    return render({
      ...owner,
      total: selected.length,
      pages_fetched: collected.pages,
      truncated: collected.truncated,
      items: selected.slice(0, query.limit),
    });
  });
}
