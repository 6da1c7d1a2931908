/**
 * The derived cache: what is computed from cached GitHub entries, kept per isolate so a hot
 * entry is parsed, shaped and serialised once rather than per request. It holds nothing
 * GitHub sent that the entry cache (cache.ts) does not: losing it costs CPU, never an
 * upstream call. Two layers (cache.ts lists all five):
 *
 * - `parsedOnce`: a value parsed from one entry, keyed by the entry object itself (a
 *   WeakMap), so it lives exactly as long as the in-memory entry and a refetched entry
 *   (a new object) is parsed afresh.
 * - `memoised`: a response body built from several entries, keyed by the caller's key and
 *   the versions (fetch times) of the entries under it; a newer version rebuilds it.
 */

const parsed = new WeakMap<object, unknown>();

/** `parse()` of `entry`, computed once per entry object. */
export function parsedOnce<T>(entry: object, parse: () => T): T {
  if (parsed.has(entry)) return parsed.get(entry) as T;
  const value = parse();
  parsed.set(entry, value);
  return value;
}

/** At most this many bodies, least recently built first out. */
const MEMO_MAX = 200;
const memo = new Map<string, { version: string; value: unknown }>();

/** `build()` for `key`, reused while `version` (the entries' fetch times) is unchanged. */
export async function memoised<T>(key: string, version: string, build: () => Promise<T>): Promise<T> {
  const hit = memo.get(key);
  if (hit && hit.version === version) return hit.value as T;
  const value = await build();
  memo.delete(key);
  memo.set(key, { version, value });
  if (memo.size > MEMO_MAX) memo.delete(memo.keys().next().value as string);
  return value;
}
