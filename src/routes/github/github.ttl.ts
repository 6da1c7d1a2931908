/**
 * How long each kind of GitHub data is served from the cache before GitHub is asked again
 * (seconds). The figure fits how often the data changes and what a stale copy costs the
 * reader; past it the entry is still served for GITHUB_STALE_TTL_SECONDS while revalidating
 * (a 304 costs no quota). Users, organisations' and users' repository lists and a
 * repository's detail (and so star counts) keep GITHUB_CACHE_TTL_SECONDS (default 300). docs/github.md lists these.
 */
export const GITHUB_TTL_SECONDS = {
  /** An organisation's profile: renamed or re-described rarely. */
  organisation: 3600,
  /** Contributors are ranked by commit count: the order moves slowly. */
  contributors: 3600,
  /** A release is news: readers expect it within a quarter of an hour. */
  releases: 900,
  readme: 3600,
  /** Bytes per language move with large changes only. */
  languages: 21_600,
} as const;
