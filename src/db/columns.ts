/**
 * Column lists for hand-written SQL, taken from the Drizzle tables, so the SQL stays
 * hand-written but cannot name a column the schema does not have: a renamed property fails
 * the type check where the list names it, and a renamed database column fails it where a
 * row mapper reads the old name (the names are literal types, see `ColumnRow`).
 */
import { type Column, getTableColumns, type SQL, sql, type Table } from "drizzle-orm";

type ColumnsOf<T extends Table> = T["_"]["columns"];

/** The database names of the listed columns: `text("title")` keeps "title" as its type. */
type ColumnName<T extends Table, K extends keyof ColumnsOf<T>> = ColumnsOf<T>[K]["_"]["name"];

/**
 * A row selected with `columnList(table, alias, keys)`, plus the computed fields named in `Extra`.
 * Every field is optional, so a driver's `Record<string, unknown>` row fits without a cast,
 * but reading a name outside the list does not compile.
 */
export type ColumnRow<T extends Table, K extends keyof ColumnsOf<T>, Extra extends string = never> = Partial<
  Record<ColumnName<T, K> | Extra, unknown>
>;

/** `alias.column, …` for the listed properties of `table`, in the order given. */
export function columnList<T extends Table, K extends keyof ColumnsOf<T> & string>(
  table: T,
  alias: string,
  keys: readonly K[],
): SQL {
  const columns = getTableColumns(table);
  // `K` is a key of the table's columns, so the lookup always finds one.
  return sql.raw(keys.map((key) => `${alias}.${(columns[key] as Column).name}`).join(", "));
}
