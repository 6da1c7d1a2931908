import { asc, eq, gt, sql } from "drizzle-orm";
import { type AuditEvent, insertAuditEvent } from "../../audit/audit-event.ts";
import { type Database, queryRows } from "../../db/client.ts";
import { users } from "../../db/schema.ts";
import { pageOf } from "../../lib/pagination.ts";
import { toIsoString } from "../../lib/time.ts";
import type { User } from "./auth.schemas.ts";

/** A user as the service reads it (drizzle's camelCase row); never sent as is. */
export type UserRecord = Pick<
  typeof users.$inferSelect,
  "id" | "email" | "displayName" | "role" | "disabledAt" | "createdAt"
>;

export function userDto(user: UserRecord): User {
  return {
    id: user.id,
    email: user.email,
    display_name: user.displayName,
    role: user.role,
    disabled: user.disabledAt !== null,
    created_at: toIsoString(user.createdAt),
  };
}

/** Raw rows (from CTEs) use column names; this maps them onto the record shape. */
export function userFromRow(row: Record<string, unknown>): UserRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    displayName: String(row.display_name),
    role: row.role === "admin" ? "admin" : "user",
    disabledAt: row.disabled_at ? new Date(row.disabled_at as string) : null,
    createdAt: new Date(row.created_at as string),
  };
}

export const userColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  role: users.role,
  disabledAt: users.disabledAt,
  createdAt: users.createdAt,
};

export async function findUserForLogin(db: Database, email: string) {
  const [row] = await db
    .select({ ...userColumns, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  return row;
}

export async function findUser(db: Database, id: string): Promise<UserRecord | undefined> {
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, id)).limit(1);
  return row;
}

export interface UsersPosition {
  id: string;
}

export async function listUsers(db: Database, limit: number, after: UsersPosition | undefined) {
  const rows = await db
    .select(userColumns)
    .from(users)
    .where(after ? gt(users.id, after.id) : undefined)
    .orderBy(asc(users.id))
    .limit(limit + 1);
  const page = pageOf(rows, limit, (last): UsersPosition => ({ id: last.id }));
  return { ...page, items: page.items.map(userDto) };
}

/**
 * Disabling also revokes the user's refresh tokens and API keys in the same statement,
 * so they stop at once even before the disabled check; access tokens lapse at expiry.
 */
export async function setUserDisabled(
  db: Database,
  id: string,
  disabled: boolean,
  audit: Omit<AuditEvent, "type">,
): Promise<UserRecord | undefined> {
  const event = { ...audit, type: disabled ? "user.disabled" : "user.enabled" } as const;
  const result = await queryRows(
    db,
    sql`
    WITH target AS (
      UPDATE users SET disabled_at = ${disabled ? sql`coalesce(disabled_at, now())` : sql`NULL`}, updated_at = now()
      WHERE id = ${id}
      RETURNING id, email, display_name, role, disabled_at, created_at
    ), tokens AS (
      UPDATE refresh_tokens SET revoked_at = now()
      WHERE ${disabled} AND user_id = (SELECT id FROM target) AND revoked_at IS NULL RETURNING id
    ), keys AS (
      UPDATE api_keys SET revoked_at = now()
      WHERE ${disabled} AND user_id = (SELECT id FROM target) AND revoked_at IS NULL RETURNING id
    ), audit AS (${insertAuditEvent(event, sql`target.id`, sql`target`)})
    SELECT target.*, (SELECT count(*) FROM tokens) AS tokens, (SELECT count(*) FROM keys) AS keys FROM target`,
  );
  const row = result[0];
  return row ? userFromRow(row) : undefined;
}
