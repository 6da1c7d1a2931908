import { sha256 } from "./crypto.ts";

/** A strong ETag for a versioned resource: `"v<version>"`. */
export function versionEtag(version: number): string {
  return `"v${version}"`;
}

interface EntityTag {
  weak: boolean;
  /** The opaque tag with its quotes: `"v3"`. */
  opaque: string;
}

/** One list member (RFC 9110 §8.8.3): optional `W/`, a quoted opaque tag; empty members allowed. */
const LIST_MEMBER = /\s*(?:(W\/)?("[\x21\x23-\x7E\x80-\xFF]*"))?\s*(?:,|$)/y;

/**
 * Parses `If-Match`/`If-None-Match`: `*`, a list of entity tags, or null when the field is
 * not a valid list (then it can match nothing).
 */
function parseEtagList(header: string): "*" | EntityTag[] | null {
  if (header.trim() === "*") return "*";
  const tags: EntityTag[] = [];
  LIST_MEMBER.lastIndex = 0;
  while (LIST_MEMBER.lastIndex < header.length) {
    const at = LIST_MEMBER.lastIndex;
    const match = LIST_MEMBER.exec(header);
    if (!match || LIST_MEMBER.lastIndex === at) return null;
    if (match[2]) tags.push({ weak: match[1] !== undefined, opaque: match[2] });
  }
  return tags;
}

/** A version tag exactly as `versionEtag` writes it: no sign, no leading zeros. */
const VERSION_TAG = /^"v([1-9]\d{0,8})"$/;

/**
 * The versions an `If-Match` accepts (RFC 9110 §13.1.1): undefined when absent or `*` (any
 * current version), else the versions named by strong tags we could have issued. Weak tags
 * never match (If-Match compares strongly), nor do foreign or malformed ones: an empty list
 * is a precondition that always fails.
 */
export function versionsFromIfMatch(header: string | undefined): number[] | undefined {
  if (header === undefined) return undefined;
  const tags = parseEtagList(header);
  if (tags === "*") return undefined;
  const versions: number[] = [];
  for (const { weak, opaque } of tags ?? []) {
    const match = weak ? null : VERSION_TAG.exec(opaque);
    if (match) versions.push(Number(match[1]));
  }
  return versions;
}

/** `If-None-Match` compares weakly (RFC 9110 §13.1.2): `W/"x"` hits `"x"`. */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const tags = parseEtagList(header);
  return tags === "*" || (tags ?? []).some((tag) => tag.opaque === etag.replace(/^W\//, ""));
}

/**
 * A strong ETag derived from the bytes sent: it changes exactly when the representation does
 * (for poll results, when a count, the title or the status changes).
 */
export async function contentEtag(body: string): Promise<string> {
  return `"h${(await sha256(body)).slice(0, 22)}"`;
}
