import { type SQL, sql } from "drizzle-orm";
import { type Database, queryRows } from "../../db/client.ts";
import { pageOf } from "../../lib/pagination.ts";
import { toIsoString } from "../../lib/time.ts";
import type { ListNotesQuery, Note } from "./notes.schemas.ts";
import { NOTE_COLUMNS, noteDto } from "./notes.service.ts";

/**
 * A page carries at most this much note content (the first note always, however large):
 * 100 notes of 100 KB would otherwise be a 10 MB page. A page cut short by the cap still
 * has `next_cursor`, so a client that follows cursors sees every note.
 */
export const PAGE_CONTENT_BYTES = 1024 * 1024;

export type SortKey = "created_at" | "updated_at" | "title" | "relevance";

/** Where the previous page ended, in the order's own terms. */
export interface NotesPosition {
  /** Sort value of the last row: ISO time, title or rank. */
  value: string | number;
  id: string;
  pinned?: boolean;
}

export interface ResolvedOrder {
  sort: SortKey;
  direction: "asc" | "desc";
  pinnedFirst: boolean;
}

export function resolveOrder(query: ListNotesQuery): ResolvedOrder {
  const sort: SortKey = query.sort ?? (query.q ? "relevance" : "created_at");
  const direction = query.order ?? (sort === "title" ? "asc" : "desc");
  return { sort, direction, pinnedFirst: query.pinned_first };
}

/**
 * Queries that full-text search would mangle (symbols such as `50%`, CJK text that the
 * English parser cannot split) are matched as plain substrings only; word queries use
 * full-text search, and substring matching only when full-text search finds nothing.
 */
export function searchMode(q: string): "words" | "substring" {
  return /^[\p{Script=Latin}\p{N}\s"'-]+$/u.test(q) ? "words" : "substring";
}

/**
 * websearch_to_tsquery treats each `-` as a NOT, and a run of 33 or more dangling ones
 * overflows its operator stack ("tsquery stack too small", a 500). A `-` negates only the
 * word or phrase right after it, so runs collapse to one and dangling ones become spaces:
 * the query means what it meant, and the parser never sees the pathological shape.
 */
export function websearchText(q: string): string {
  return q.replace(/-+(?=[\p{L}\p{N}"])/gu, "-").replace(/-(?![\p{L}\p{N}"])/gu, " ");
}

/** Escapes LIKE's wildcards so user text matches literally. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

function filters(userId: string, query: ListNotesQuery): SQL[] {
  const where: SQL[] = [sql`n.user_id = ${userId}`];
  where.push(query.trashed ? sql`n.deleted_at IS NOT NULL` : sql`n.deleted_at IS NULL`);
  if (query.pinned !== undefined) where.push(sql`n.pinned = ${query.pinned}`);
  if (query.archived !== undefined) where.push(sql`n.archived = ${query.archived}`);
  if (query.tag?.length) {
    where.push(
      sql`n.tags @> ARRAY[${sql.join(
        query.tag.map((tag) => sql`${tag}`),
        sql`, `,
      )}]::text[]`,
    );
  }
  if (query.created_after) where.push(sql`n.created_at > ${query.created_after}::timestamptz`);
  if (query.created_before) where.push(sql`n.created_at < ${query.created_before}::timestamptz`);
  if (query.updated_after) where.push(sql`n.updated_at > ${query.updated_after}::timestamptz`);
  if (query.updated_before) where.push(sql`n.updated_at < ${query.updated_before}::timestamptz`);
  return where;
}

function sortExpression(sort: SortKey): SQL {
  switch (sort) {
    case "title":
      return sql`n.title`;
    case "updated_at":
      return sql`n.updated_at`;
    case "relevance":
      // Only reached without `q` (searches read the rank from the match set): no ranking.
      return sql`0::float8`;
    default:
      return sql`n.created_at`;
  }
}

/** The cursor value cast back to the sort expression's type. */
function positionValue(sort: SortKey, value: string | number): SQL {
  if (sort === "title") return sql`${String(value)}::text`;
  if (sort === "relevance") return sql`${Number(value)}::float8`;
  return sql`${String(value)}::timestamptz`;
}

function afterPosition(order: ResolvedOrder, key: SQL, position: NotesPosition): SQL {
  const op = order.direction === "desc" ? sql.raw("<") : sql.raw(">");
  const tuple = sql`(${key}, n.id) ${op} (${positionValue(order.sort, position.value)}, ${position.id}::uuid)`;
  if (!order.pinnedFirst) return tuple;
  const pinned = Boolean(position.pinned);
  return sql`(n.pinned < ${pinned} OR (n.pinned = ${pinned} AND ${tuple}))`;
}

/**
 * The notes a search matches, as one materialised set: full-text matches (GIN index) for
 * word queries, and substring matches (trigram indexes) only as the fallback when full-text
 * finds nothing, or alone for symbol/CJK queries. Computing the set once serves both the
 * total and the page.
 */
function searchSet(where: SQL[], q: string): SQL {
  const base = sql.join(where, sql` AND `);
  const pattern = likePattern(q);
  const substring = sql`SELECT ${NOTE_COLUMNS}, 0::float8 AS rank FROM notes n
    WHERE ${base} AND (n.title ILIKE ${pattern} OR n.content ILIKE ${pattern})`;
  if (searchMode(q) === "substring") return sql`matched AS MATERIALIZED (${substring})`;
  const words = websearchText(q);
  return sql`fts AS MATERIALIZED (
      SELECT ${NOTE_COLUMNS}, ts_rank_cd(n.search, websearch_to_tsquery('english', ${words}))::float8 AS rank
      FROM notes n WHERE ${base} AND n.search @@ websearch_to_tsquery('english', ${words})
    ), matched AS MATERIALIZED (
      SELECT * FROM fts
      UNION ALL
      ${substring} AND NOT EXISTS (SELECT 1 FROM fts)
    )`;
}

export interface NotesPage {
  items: Note[];
  total: number;
  last: NotesPosition | undefined;
  hasMore: boolean;
}

/**
 * One round trip: the page (limit + 1 rows, to know whether another follows) and the total
 * for the filters come back together as a single row.
 */
export async function listNotes(
  db: Database,
  userId: string,
  query: ListNotesQuery,
  order: ResolvedOrder,
  after: NotesPosition | undefined,
): Promise<NotesPage> {
  const where = filters(userId, query);
  const searching = Boolean(query.q);
  // Over the search set the rank is a column; otherwise it is computed by sortExpression.
  const key = searching && order.sort === "relevance" ? sql`n.rank` : sortExpression(order.sort);
  const dir = sql.raw(order.direction.toUpperCase());
  const orderBy = order.pinnedFirst
    ? sql`n.pinned DESC, ${key} ${dir}, n.id ${dir}`
    : sql`${key} ${dir}, n.id ${dir}`;
  const source = searching ? sql`matched n` : sql`notes n`;
  const sourceWhere = searching ? [sql`TRUE`] : where;
  const pageWhere = after ? [...sourceWhere, afterPosition(order, key, after)] : sourceWhere;
  const prelude = searching ? sql`WITH ${searchSet(where, query.q as string)} ` : sql``;
  const [row] = await queryRows<{
    total: number;
    items: Array<Record<string, unknown>> | null;
    fetched: number;
  }>(
    db,
    sql`${prelude}SELECT
          (SELECT count(*) FROM ${source} WHERE ${sql.join(sourceWhere, sql` AND `)})::int AS total,
          page.items, page.fetched
        FROM (
          SELECT json_agg(p ORDER BY p.ord) FILTER (WHERE p.ord = 1 OR p.running_bytes <= ${PAGE_CONTENT_BYTES}) AS items,
                 count(*)::int AS fetched
          FROM (
            SELECT ${NOTE_COLUMNS}, ${key} AS sort_value, row_number() OVER (ORDER BY ${orderBy}) AS ord,
                   sum(octet_length(n.content)) OVER (ORDER BY ${orderBy} ROWS UNBOUNDED PRECEDING) AS running_bytes
            FROM ${source}
            WHERE ${sql.join(pageWhere, sql` AND `)}
            ORDER BY ${orderBy}
            LIMIT ${query.limit + 1}
          ) p
        ) page`,
  );
  const rows = row?.items ?? [];
  const page = pageOf(
    rows,
    query.limit,
    (last): NotesPosition => ({
      value:
        order.sort === "relevance"
          ? Number(last.sort_value)
          : order.sort === "title"
            ? String(last.title)
            : toIsoString(last.sort_value),
      id: String(last.id),
      ...(order.pinnedFirst ? { pinned: Boolean(last.pinned) } : {}),
    }),
  );
  // Fewer rows than fetched means the byte cap cut the page short: more follow.
  const hasMore = page.hasMore || (row?.fetched ?? 0) > rows.length;
  return { items: page.items.map(noteDto), total: row?.total ?? 0, last: page.last, hasMore };
}
