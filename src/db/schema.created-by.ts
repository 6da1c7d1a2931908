/**
 * Which credential created a row (notes, polls, ballots): the same vocabulary as the audit
 * trail's `credential`/`credential_id` (src/audit/audit-event.ts). Both null on rows created
 * before this was recorded: "unknown".
 */
import { sql } from "drizzle-orm";
import { text, uuid } from "drizzle-orm/pg-core";

/** The transaction-local settings a ballot's defaults read (see src/audit/created-by.ts). */
export const BALLOT_CREDENTIAL_SETTING = "devhub.ballot_credential";
export const BALLOT_CREDENTIAL_ID_SETTING = "devhub.ballot_credential_id";

/** `created_by_credential` ('session' | 'api_key' | 'none') and `created_by_credential_id`. */
export function createdByColumns() {
  return {
    createdByCredential: text("created_by_credential", { enum: ["session", "api_key", "none"] }),
    createdByCredentialId: uuid("created_by_credential_id"),
  };
}

/**
 * The same columns, defaulting to the transaction-local settings above: `cast_ballot` inserts
 * the ballot and cannot be given them as arguments, so the statement that calls it sets them
 * first and the row's defaults pick them up. Unset (or reset to '' after a transaction that
 * set them) reads as null.
 */
export function createdByColumnsFromSettings() {
  const { createdByCredential, createdByCredentialId } = createdByColumns();
  return {
    createdByCredential: createdByCredential.default(
      sql.raw(`nullif(current_setting('${BALLOT_CREDENTIAL_SETTING}', true), '')`),
    ),
    createdByCredentialId: createdByCredentialId.default(
      sql.raw(`nullif(current_setting('${BALLOT_CREDENTIAL_ID_SETTING}', true), '')::uuid`),
    ),
  };
}
