export interface GithubSettings {
  apiUrl: string;
  token: string | undefined;
  /** Seconds an entry is served without asking GitHub. */
  freshSeconds: number;
  /** Seconds past freshness an entry may still be served (while revalidating, or when GitHub fails). */
  staleSeconds: number;
  timeoutMs: number;
  /** Budget for all upstream calls behind one client request (pages included). */
  deadlineMs: number;
  /** Largest upstream body read; more is a 502, never buffered. */
  maxBodyBytes: number;
  maxPages: number;
}

const positive = (value: unknown, fallback: number) => {
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
};

/**
 * Parses the GitHub vars/secrets; `loadConfig` calls it once per isolate and handlers read
 * the result from `c.var.config.github`. docs/configuration.md describes each setting.
 */
export function parseGithubSettings(vars: Partial<Record<string, unknown>>): GithubSettings {
  return {
    apiUrl: String(vars.GITHUB_API_URL || "https://api.github.com").replace(/\/+$/, ""),
    token: typeof vars.GITHUB_TOKEN === "string" && vars.GITHUB_TOKEN ? vars.GITHUB_TOKEN : undefined,
    freshSeconds: positive(vars.GITHUB_CACHE_TTL_SECONDS, 300),
    staleSeconds: positive(vars.GITHUB_STALE_TTL_SECONDS, 86_400),
    timeoutMs: positive(vars.GITHUB_TIMEOUT_MS, 5000),
    deadlineMs: positive(vars.GITHUB_DEADLINE_MS, 10_000),
    maxBodyBytes: positive(vars.GITHUB_MAX_BODY_BYTES, 4 * 1024 * 1024),
    maxPages: Math.floor(positive(vars.GITHUB_MAX_PAGES, 10)),
  };
}
