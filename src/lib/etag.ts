import { sha256 } from "./crypto.ts";

/** A strong ETag for a versioned resource: `"v<version>"`. */
export function versionEtag(version: number): string {
  return `"v${version}"`;
}

/** Parses `If-Match`/`If-None-Match` into tags (weak prefixes dropped); `*` stays `*`. */
function parseEtagList(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .filter(Boolean);
}

/** The version an `If-Match` demands, `"any"` for `*`, or undefined when absent or foreign. */
export function versionFromIfMatch(header: string | undefined): number | "any" | "none" | undefined {
  const tags = parseEtagList(header);
  if (tags.length === 0) return undefined;
  if (tags.includes("*")) return "any";
  for (const tag of tags) {
    const match = /^"v(\d{1,9})"$/.exec(tag);
    if (match) return Number(match[1]);
  }
  // Present but naming no version we ever issued: it can never match.
  return "none";
}

export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  const tags = parseEtagList(header);
  return tags.includes("*") || tags.includes(etag);
}

/**
 * A strong ETag derived from the bytes sent: it changes exactly when the representation does
 * (for poll results, when a count, the title or the status changes).
 */
export async function contentEtag(body: string): Promise<string> {
  return `"h${(await sha256(body)).slice(0, 22)}"`;
}
