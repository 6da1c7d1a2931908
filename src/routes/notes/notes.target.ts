/**
 * The caller's note as a conditional write aims at it, and what a write that matched no row
 * answers: shared by the note, version and share handlers.
 */
import { versionEtag, versionsFromIfMatch } from "../../lib/etag.ts";
import { ApiError } from "../../lib/problem.ts";
import type { AuthedContext } from "../../middleware/auth.ts";
import type { Note } from "./notes.schemas.ts";
import * as service from "./notes.service.ts";

export const notFound = (id: string) => new ApiError("not-found", { detail: `Note ${id} does not exist.` });

/** The caller's note `id`, guarded by the request's `If-Match`. */
export function noteTarget(c: AuthedContext, id: string, ifMatch: string | undefined): service.NoteTarget {
  return { userId: c.var.caller.userId, id, versions: versionsFromIfMatch(ifMatch) };
}

type Requirement = "live" | "trashed";

/**
 * A conditional write touched no row; one extra read (only on this error path) tells the
 * client why: missing (404, also for other users' notes), wrong state (409) or stale (412).
 */
export async function explainMiss(
  c: AuthedContext,
  { userId, id, versions: expected }: service.NoteTarget,
  requirement: Requirement,
): Promise<never> {
  const current = await service.getNote(c.var.db, userId, id);
  if (!current) throw notFound(id);
  if (expected !== undefined && !expected.includes(current.version)) throw staleVersion(current);
  throw new ApiError("conflict", {
    detail:
      requirement === "live"
        ? "The note is in the trash; restore it first."
        : "The note is not in the trash.",
  });
}

/**
 * The 412 of a stale `If-Match`: it carries the note as it is now and its version, so the
 * client can merge its change into it (fetching its base from `GET /notes/{id}/versions/{n}`)
 * and retry with the new ETag, without another round trip.
 */
function staleVersion(current: Note): ApiError {
  return new ApiError("precondition-failed", {
    detail: `The note is at version ${current.version}; If-Match did not match. Merge your change into \`current\` and retry with its ETag.`,
    headers: { ETag: versionEtag(current.version) },
    extensions: { current_version: current.version, current },
  });
}
