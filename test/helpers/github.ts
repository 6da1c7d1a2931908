import { env } from "cloudflare:workers";
import type { UserStats } from "../../scripts/lib/github-upstream.ts";
import { type CacheEntry, clearMemoryCache } from "../../src/github-client/cache.ts";

/** The local GitHub upstream started by the global setup. */
export const upstreamUrl = () => (env as unknown as { GITHUB_API_URL: string }).GITHUB_API_URL;

export type UpstreamStats = UserStats;

export async function upstreamStats(login: string): Promise<UpstreamStats> {
  return (await (
    await fetch(`${upstreamUrl()}/__stats/users/${login.toLowerCase()}`)
  ).json()) as UpstreamStats;
}

export async function setUpstreamMode(login: string, control: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${upstreamUrl()}/__control/users/${login.toLowerCase()}`, {
    method: "POST",
    body: JSON.stringify(control),
  });
  await response.body?.cancel();
}

/** A login no other test uses; `r<N>-` logins own N repositories upstream. */
export const uniqueLogin = (repos = 12) => `r${repos}-${crypto.randomUUID().slice(0, 8)}`;

/** Makes a cached entry look `seconds` older, as if time had passed. */
export async function ageCacheEntry(path: string, seconds: number): Promise<void> {
  const key = `github:v1:${path}`;
  const entry = await env.CACHE.get<CacheEntry>(key, "json");
  if (!entry) throw new Error(`no cache entry for ${path}`);
  await env.CACHE.put(key, JSON.stringify({ ...entry, fetchedAt: entry.fetchedAt - seconds * 1000 }));
  // The isolate's in-memory copy would otherwise still look fresh.
  clearMemoryCache();
}

export async function cacheEntry(path: string): Promise<CacheEntry | null> {
  return env.CACHE.get<CacheEntry>(`github:v1:${path}`, "json");
}
