/** @jsxImportSource hono/jsx */

/**
 * A moment as the server can write it (UTC, minutes), which common.js rewrites in the
 * viewer's own zone with words ("Tue 8 Dec, 17:00 · in 2 hours"). Without script the UTC
 * text stays, and says it is UTC.
 *
 * @example <LocalTime iso={poll.closes_at} />
 */
export function LocalTime({ iso }: { iso: string }) {
  return (
    <time datetime={iso} data-local-time="">
      {`${iso.replace("T", " ").slice(0, 16)} UTC`}
    </time>
  );
}
