import type { CleanRepo, GithubProfile, RepoQuery } from "./github.schemas.ts";

type Raw = Record<string, unknown>;
const str = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? value : 0);

/** GitHub's ~90 repository fields reduced to what a dashboard shows (CleanRepoSchema). */
export function cleanRepo(raw: Raw): CleanRepo {
  return {
    name: String(raw.name ?? ""),
    full_name: String(raw.full_name ?? ""),
    description: str(raw.description),
    language: str(raw.language),
    stars: num(raw.stargazers_count),
    forks: num(raw.forks_count),
    open_issues: num(raw.open_issues_count),
    url: String(raw.html_url ?? ""),
    homepage: str(raw.homepage),
    topics: Array.isArray(raw.topics)
      ? raw.topics.filter((topic): topic is string => typeof topic === "string")
      : [],
    fork: raw.fork === true,
    archived: raw.archived === true,
    created_at: String(raw.created_at ?? ""),
    updated_at: String(raw.updated_at ?? ""),
    pushed_at: str(raw.pushed_at),
  };
}

export function selectRepos(repos: CleanRepo[], query: RepoQuery): CleanRepo[] {
  const language = query.language?.toLowerCase();
  const filtered = repos.filter(
    (repo) => (query.include_forks || !repo.fork) && (!language || repo.language?.toLowerCase() === language),
  );
  const direction = query.direction ?? (query.sort === "name" ? "asc" : "desc");
  const sign = direction === "asc" ? 1 : -1;
  const key = (repo: CleanRepo): string | number =>
    query.sort === "stars"
      ? repo.stars
      : query.sort === "name"
        ? repo.name.toLowerCase()
        : query.sort === "pushed"
          ? (repo.pushed_at ?? "")
          : repo.updated_at;
  return [...filtered].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    if (x < y) return -sign;
    if (x > y) return sign;
    // Plain code-unit order: deterministic, and far cheaper than localeCompare in a hot sort.
    return a.full_name < b.full_name ? -1 : a.full_name > b.full_name ? 1 : 0;
  });
}

export function profileSummary(user: Raw, repos: CleanRepo[]): Omit<GithubProfile, "truncated"> {
  const owned = repos.filter((repo) => !repo.fork);
  const byLanguage = new Map<string, number>();
  for (const repo of owned)
    if (repo.language) byLanguage.set(repo.language, (byLanguage.get(repo.language) ?? 0) + 1);
  return {
    login: String(user.login ?? ""),
    name: str(user.name),
    avatar_url: str(user.avatar_url),
    url: String(user.html_url ?? ""),
    bio: str(user.bio),
    company: str(user.company),
    location: str(user.location),
    blog: str(user.blog),
    type: str(user.type),
    public_repos: num(user.public_repos),
    followers: num(user.followers),
    following: num(user.following),
    created_at: str(user.created_at),
    aggregates: {
      repositories_counted: owned.length,
      total_stars: owned.reduce((sum, repo) => sum + repo.stars, 0),
      total_forks: owned.reduce((sum, repo) => sum + repo.forks, 0),
      top_languages: [...byLanguage.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 5)
        .map(([language, count]) => ({ language, repositories: count })),
    },
  };
}

/** The `rel="next"` target of a Link header, if it stays on the same API origin. */
export function nextPagePath(link: string | null, apiUrl: string): string | undefined {
  if (!link) return undefined;
  for (const part of link.split(",")) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (!match?.[1]) continue;
    const target = new URL(match[1], apiUrl);
    // Never follow a link off the configured API host (the token would travel with it).
    const api = new URL(apiUrl);
    if (target.origin !== api.origin) return undefined;
    const prefix = api.pathname.replace(/\/+$/, "");
    const path =
      prefix && target.pathname.startsWith(prefix) ? target.pathname.slice(prefix.length) : target.pathname;
    return `${path}${target.search}`;
  }
  return undefined;
}
