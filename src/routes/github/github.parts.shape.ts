import type { Contributor, Org, Release } from "./github.parts.schemas.ts";

/**
 * Upstream objects reduced to what the organisation and repository-part routes publish,
 * every text clipped: a hostile or broken upstream cannot make an answer grow without bound.
 * (Escaping is the renderer's job: JSON escapes by construction, cards in cards/svg.ts.)
 */
type Raw = Record<string, unknown>;

/** At most `max` code points, never splitting a surrogate pair. */
export function clip(value: unknown, max = 1000): string | null {
  if (typeof value !== "string" || value === "") return null;
  if (value.length <= max) return value;
  return Array.from(value).slice(0, max).join("");
}
const num = (value: unknown) => (typeof value === "number" && Number.isFinite(value) ? Math.trunc(value) : 0);

export function cleanOrg(raw: Raw): Org {
  return {
    login: clip(raw.login, 100) ?? "",
    name: clip(raw.name),
    description: clip(raw.description),
    avatar_url: clip(raw.avatar_url),
    url: clip(raw.html_url) ?? "",
    blog: clip(raw.blog),
    location: clip(raw.location),
    public_repos: num(raw.public_repos),
    followers: num(raw.followers),
    created_at: clip(raw.created_at, 40),
  };
}

export function cleanContributor(raw: Raw): Contributor {
  return {
    login: clip(raw.login, 100) ?? "",
    avatar_url: clip(raw.avatar_url),
    url: clip(raw.html_url),
    contributions: num(raw.contributions),
  };
}

export const RELEASE_BODY_MAX = 20_000;

export function cleanRelease(raw: Raw): Release {
  const author = raw.author as Raw | null | undefined;
  return {
    tag: clip(raw.tag_name, 200) ?? "",
    name: clip(raw.name, 200),
    body: clip(raw.body, RELEASE_BODY_MAX),
    url: clip(raw.html_url),
    draft: raw.draft === true,
    prerelease: raw.prerelease === true,
    published_at: clip(raw.published_at, 40),
    author: author && typeof author === "object" ? clip(author.login, 100) : null,
    assets: Array.isArray(raw.assets) ? raw.assets.length : 0,
  };
}

export const README_MAX_CHARS = 200_000;

/** A content object's base64 `content`, decoded as UTF-8 (bad bytes become U+FFFD), then clipped. */
export function readmeText(raw: Raw): { markdown: string; truncated: boolean } {
  const content = typeof raw.content === "string" ? raw.content.replace(/\s+/g, "") : "";
  let text = "";
  try {
    const binary = atob(content);
    text = new TextDecoder().decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
  } catch {
    text = "";
  }
  const clipped = clip(text, README_MAX_CHARS) ?? "";
  return { markdown: clipped, truncated: clipped.length < text.length };
}

/** Language name (clipped) → bytes, the largest first, at most 50; non-counts dropped. */
export function languageBytes(raw: Raw): Array<[string, number]> {
  return Object.entries(raw)
    .flatMap(
      ([name, bytes]): Array<[string, number]> =>
        typeof bytes === "number" && Number.isFinite(bytes) && bytes > 0
          ? [[clip(name, 60) ?? "?", bytes]]
          : [],
    )
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, 50);
}
