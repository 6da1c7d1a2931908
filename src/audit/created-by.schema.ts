/**
 * How a note, a poll or a ballot shows the credential that created it (src/audit/created-by.ts
 * sets it). Kept free of the worker's environment types: the scripts' type check reads the
 * notes schemas, which use it.
 */
import { z } from "@hono/zod-openapi";

export const CreatedBySchema = z
  .object({
    kind: z.enum(["session", "api_key", "none"]).openapi({
      description: "`session` (signed in), `api_key`, or `none` (an anonymous voter: no credential).",
    }),
    id: z.uuid().nullable().openapi({
      description:
        "The session's id or the API key's id, as `GET /me/audit` names them (`credential`); null for `none`.",
    }),
  })
  .nullable()
  .openapi("CreatedBy", {
    description: "The credential that created this; null: unknown, created before this was recorded.",
  });

export type CreatedBy = z.infer<typeof CreatedBySchema>;

/** A row's two columns as the API shows them. */
export function createdByDto(row: {
  created_by_credential?: unknown;
  created_by_credential_id?: unknown;
}): CreatedBy {
  if (row.created_by_credential == null) return null;
  return {
    kind: row.created_by_credential as NonNullable<CreatedBy>["kind"],
    id: row.created_by_credential_id == null ? null : String(row.created_by_credential_id),
  };
}
