import { requireSigningKeys } from "../../config.ts";
import { requireNoteRoom, withQuotaLock } from "../../db/quota.ts";
import { versionEtag } from "../../lib/etag.ts";
import { paginate } from "../../lib/pagination.ts";
import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { getVersion, listVersions } from "./notes.history.ts";
import * as service from "./notes.service.ts";
import { explainMiss, noteTarget, notFound } from "./notes.target.ts";
import type * as routes from "./notes.versions.routes.ts";

const versionNotKept = (id: string, n: number) =>
  new ApiError("not-found", { detail: `Note ${id} has no version ${n} (never written, or past retention).` });

export const listNoteVersions: AppRouteHandler<routes.ListNoteVersionsRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const { limit, cursor } = c.req.valid("query");
  const userId = c.var.caller.userId;
  const request = {
    secret: requireSigningKeys(c.var.config).cursor,
    scope: { kind: "note-versions", userId, id },
    cursor,
  };
  const { page, next_cursor } = await paginate(c, request, async (before?: number) => {
    const found = await listVersions(c.var.db, userId, id, limit, before);
    if (!found) throw notFound(id);
    return found;
  });
  return c.json({ items: page.items, next_cursor }, 200);
};

export const getNoteVersion: AppRouteHandler<routes.GetNoteVersionRoute> = async (c) => {
  const { id, n } = c.req.valid("param");
  const version = await getVersion(c.var.db, c.var.caller.userId, id, n);
  if (!version) {
    if (!(await service.noteState(c.var.db, c.var.caller.userId, id))) throw notFound(id);
    throw versionNotKept(id, n);
  }
  return c.json(version, 200);
};

export const restoreNoteVersion: AppRouteHandler<routes.RestoreNoteVersionRoute> = async (c) => {
  const { id, n } = c.req.valid("param");
  const target = noteTarget(c, id, c.req.valid("header")["if-match"]);
  const source = await getVersion(c.var.db, target.userId, id, n);
  if (!source) {
    if (!(await service.noteState(c.var.db, target.userId, id))) throw notFound(id);
    throw versionNotKept(id, n);
  }
  const { title, content, tags } = source;
  let note: Awaited<ReturnType<typeof service.restoreVersion>>;
  try {
    note = await withQuotaLock(c.var.db, target.userId, async (tx) => {
      await requireNoteRoom(tx, target.userId, c.var.config.quotas, { title, content, tags }, id);
      return service.restoreVersion(tx, target, n);
    });
  } catch (error) {
    // Pruned between the read above and the write: nothing was written.
    if (error instanceof service.VersionNotKept) throw versionNotKept(id, n);
    throw error;
  }
  if (!note) return explainMiss(c, target, "live");
  c.var.log.info("audit", "note.version_restored", { user_id: target.userId, note_id: id, version: n });
  c.header("ETag", versionEtag(note.version));
  return c.json(note, 200);
};
