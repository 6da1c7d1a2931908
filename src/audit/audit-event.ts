import { SQL, sql } from "drizzle-orm";
import type { Caller } from "../env.ts";
import { uuidv7 } from "../lib/ids.ts";

/** What an account can read about itself at GET /me/audit; docs/accounts.md lists them. */
export const AUDIT_EVENT_TYPES = [
  "login.succeeded",
  "login.failed",
  "session.revoked",
  "api_key.created",
  "api_key.rotated",
  "api_key.revoked",
  "api_key.new_address",
  "user.disabled",
  "user.enabled",
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/** Which credential acted: a session (its refresh-token family), an API key, or none (a login attempt). */
export interface ActingCredential {
  credential: "session" | "api_key" | "none";
  credentialId: string | null;
}

export interface AuditEvent extends Omit<ActingCredential, "credentialId"> {
  /** An id, or a column of the statement's own rows (`sql\`usable.id\``). */
  credentialId: string | null | SQL;
  type: AuditEventType;
  /** The client address as the logs store it: `c.var.client.ip`. */
  ip: string;
  /** An administrator acting on another account. */
  actorId?: string;
  details?: Record<string, string | number>;
}

export function credentialOf(caller: Caller): ActingCredential {
  return caller.via === "api_key"
    ? { credential: "api_key", credentialId: caller.apiKeyId ?? null }
    : { credential: "session", credentialId: caller.sessionId ?? null };
}

const idOf = (id: string | null | SQL) => (id instanceof SQL ? id : sql`${id}::uuid`);

/**
 * `INSERT INTO audit_events …` written as part of the statement that makes the change (a CTE
 * beside it), so the event and the change commit together or not at all. `userId` is an SQL
 * expression (a parameter, or a column of `from`); with `from`, one event is written when that
 * CTE yields a row and none when it yields nothing (the change did not happen).
 *
 * @example sql`WITH revoked AS (UPDATE … RETURNING user_id), audit AS (${insertAuditEvent(event, sql`revoked.user_id`, sql`revoked`)}) SELECT …`
 */
export function insertAuditEvent(event: AuditEvent, userId: SQL, from?: SQL): SQL {
  return sql`INSERT INTO audit_events (id, user_id, type, credential, credential_id, actor_id, ip, details)
    SELECT ${uuidv7()}::uuid, ${userId}, ${event.type}, ${event.credential}, ${idOf(event.credentialId)},
           ${event.actorId ?? null}::uuid, ${event.ip}, ${JSON.stringify(event.details ?? {})}::jsonb
    ${from ? sql`FROM ${from} LIMIT 1` : sql``}
    RETURNING id`;
}
