/**
 * Which credential created a note, a poll or a ballot, shown to its owner: the audit trail's
 * vocabulary (`session` + session id, `api_key` + key id), set in the statement that creates
 * the row. The columns are src/db/schema.created-by.ts.
 */
import { type SQL, sql } from "drizzle-orm";
import { BALLOT_CREDENTIAL_ID_SETTING, BALLOT_CREDENTIAL_SETTING } from "../db/schema.created-by.ts";
import type { Caller } from "../env.ts";
import { type ActingCredential, credentialOf } from "./audit-event.ts";

/** The caller's credential; `none` for a caller without one (an anonymous voter's cookie). */
export function createdByOf(caller: Caller | undefined): ActingCredential {
  return caller ? credentialOf(caller) : { credential: "none", credentialId: null };
}

/** The values of `(created_by_credential, created_by_credential_id)` in an INSERT. */
export const createdByValues = (by: ActingCredential): SQL => sql`${by.credential}, ${by.credentialId}::uuid`;

/**
 * `WITH … AS MATERIALIZED (…)`: sets the settings a ballot's column defaults read, for a
 * statement that selects `FROM ballot_credential` (cast_ballot inserts the ballot itself, and
 * its signature is not ours to change). Why this shape:
 * - Order: the outer SELECT evaluates per row of the CTE, and the CTE's row (hence both
 *   set_config calls) exists before it; two set_config calls beside cast_ballot in one target
 *   list would rely on evaluation order, which SQL does not promise.
 * - `is_local = true`: the settings end with the transaction, so under PgBouncer or Hyperdrive
 *   in transaction mode they never reach another client sharing the server connection, and
 *   no extra round trip (BEGIN / SET LOCAL / COMMIT) is needed. An autocommitted statement is
 *   its own transaction; within a longer one, only ballots cast by this caller follow.
 * - PGlite and PostgreSQL both accept custom `devhub.*` settings; an unset one reads as ''
 *   or null, which the defaults turn into null.
 */
export function ballotCredentialCte(by: ActingCredential): SQL {
  return sql`ballot_credential AS MATERIALIZED (
    SELECT set_config(${BALLOT_CREDENTIAL_SETTING}, ${by.credential}, true) AS credential,
           set_config(${BALLOT_CREDENTIAL_ID_SETTING}, ${by.credentialId ?? ""}, true) AS credential_id)`;
}
