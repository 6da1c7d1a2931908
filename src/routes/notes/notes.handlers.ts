import { credentialOf } from "../../audit/audit-event.ts";
import { requireSigningKeys } from "../../config.ts";
import { requireNoteRoom, withQuotaLock } from "../../db/quota.ts";
import { sha256 } from "../../lib/crypto.ts";
import { ifNoneMatchHits, versionEtag } from "../../lib/etag.ts";
import { paginate } from "../../lib/pagination.ts";
import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import type { AuthedContext } from "../../middleware/auth.ts";
import { listNotes, type NotesPosition, type ResolvedOrder, resolveOrder } from "./notes.list.ts";
import type * as routes from "./notes.routes.ts";
import type { ListNotesQuery, Note } from "./notes.schemas.ts";
import { guardedSearch } from "./notes.search-guard.ts";
import * as service from "./notes.service.ts";
import { explainMiss, noteTarget, notFound } from "./notes.target.ts";

function audit(c: AuthedContext, msg: string, noteId: string | string[]) {
  c.var.log.info("audit", msg, { user_id: c.var.caller.userId, note_id: noteId });
}

export const createNote: AppRouteHandler<routes.CreateNoteRoute> = async (c) => {
  const body = c.req.valid("json");
  const key = c.req.valid("header")["idempotency-key"];
  const userId = c.var.caller.userId;
  const quotas = c.var.config.quotas;
  let note: Note;
  let created = true;
  if (!key) {
    note = await withQuotaLock(c.var.db, userId, async (tx) => {
      await requireNoteRoom(tx, userId, quotas, body);
      return service.createNote(tx, userId, body, credentialOf(c.var.caller));
    });
  } else {
    const requestHash = await sha256(JSON.stringify(body));
    const result = await withQuotaLock(c.var.db, userId, async (tx) => {
      // A retry of a create that succeeded is a replay, not a second note: no room needed.
      if (!(await service.idempotencyKeyHeld(tx, userId, key)))
        await requireNoteRoom(tx, userId, quotas, body);
      return service.createNoteIdempotently(tx, userId, body, key, requestHash, credentialOf(c.var.caller));
    });
    if (result.outcome === "in_flight") {
      throw new ApiError("conflict", {
        detail: "A request with this Idempotency-Key is being processed; retry shortly.",
        headers: { "Retry-After": "1" },
      });
    }
    if (result.outcome === "replayed") {
      if (result.requestHash !== requestHash) {
        throw new ApiError("validation-failed", {
          detail: "This Idempotency-Key was used with a different request body.",
          errors: [{ path: "header.idempotency-key", message: "Already used with a different body." }],
        });
      }
      c.header("Idempotent-Replayed", "true");
      created = false;
    }
    note = result.note;
  }
  if (created) audit(c, "note.created", note.id);
  c.header("Location", `/notes/${note.id}`);
  c.header("ETag", versionEtag(note.version));
  return c.json(note, 201);
};

export const getNote: AppRouteHandler<routes.GetNoteRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const note = await service.getNote(c.var.db, c.var.caller.userId, id);
  if (!note) throw notFound(id);
  const etag = versionEtag(note.version);
  c.header("ETag", etag);
  c.header("Cache-Control", "private, no-cache");
  if (ifNoneMatchHits(c.req.header("If-None-Match"), etag)) return c.body(null, 304);
  return c.json(note, 200);
};

export const updateNote: AppRouteHandler<routes.UpdateNoteRoute> = async (c) => {
  const target = noteTarget(c, c.req.valid("param").id, c.req.valid("header")["if-match"]);
  const patch = c.req.valid("json");
  const { title, content, tags } = patch;
  // Pinning or archiving stores nothing new; only a change of text is checked against the quota.
  const note =
    title === undefined && content === undefined && tags === undefined
      ? await c.var.db.transaction((tx) => service.updateNote(tx, target, patch))
      : await withQuotaLock(c.var.db, target.userId, async (tx) => {
          await requireNoteRoom(tx, target.userId, c.var.config.quotas, { title, content, tags }, target.id);
          return service.updateNote(tx, target, patch);
        });
  if (!note) return explainMiss(c, target, "live");
  audit(c, "note.updated", target.id);
  c.header("ETag", versionEtag(note.version));
  return c.json(note, 200);
};

export const deleteNote: AppRouteHandler<routes.DeleteNoteRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const { permanent } = c.req.valid("query");
  const target = noteTarget(c, id, c.req.valid("header")["if-match"]);
  if (permanent) {
    const purged = await c.var.db.transaction((tx) => service.deleteNoteForever(tx, target));
    if (!purged) return explainMiss(c, target, "trashed");
    audit(c, "note.purged", id);
    return c.body(null, 204);
  }
  if (!(await c.var.db.transaction((tx) => service.trashNote(tx, target)))) {
    const state = await service.noteState(c.var.db, target.userId, id);
    const expected = target.versions;
    // Trashing twice is the same outcome as trashing once.
    if (state?.trashed && (expected === undefined || expected.includes(state.version)))
      return c.body(null, 204);
    return explainMiss(c, target, "live");
  }
  audit(c, "note.deleted", id);
  return c.body(null, 204);
};

export const restoreNote: AppRouteHandler<routes.RestoreNoteRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const target = noteTarget(c, id, c.req.valid("header")["if-match"]);
  const note = await c.var.db.transaction((tx) => service.restoreNote(tx, target));
  if (!note) return explainMiss(c, target, "trashed");
  audit(c, "note.restored", id);
  c.header("ETag", versionEtag(note.version));
  return c.json(note, 200);
};

export const emptyTrash: AppRouteHandler<routes.EmptyTrashRoute> = async (c) => {
  const purged = await c.var.db.transaction((tx) => service.emptyTrash(tx, c.var.caller.userId));
  if (purged.length > 0) audit(c, "note.purged", purged);
  return c.json({ purged: purged.length }, 200);
};

/** Everything but the cursor and limit: a cursor is only valid for the query it came from. */
function cursorScope(userId: string, query: ListNotesQuery, order: ResolvedOrder) {
  const { cursor: _cursor, limit: _limit, ...shape } = query;
  return { userId, ...shape, ...order };
}

export const listNotesHandler: AppRouteHandler<routes.ListNotesRoute> = async (c) => {
  const query = c.req.valid("query");
  const order = resolveOrder(query);
  const userId = c.var.caller.userId;
  const cursor = {
    secret: requireSigningKeys(c.var.config).cursor,
    scope: cursorScope(userId, query, order),
    cursor: query.cursor,
  };
  const { page, next_cursor } = await paginate(c, cursor, (after?: NotesPosition) => {
    const list = (db: typeof c.var.db) => listNotes(db, userId, query, order, after);
    return query.q ? guardedSearch(c, list) : list(c.var.db);
  });
  c.header("Cache-Control", "private, no-store");
  return c.json({ items: page.items, next_cursor, total: page.total }, 200);
};

export const listTags: AppRouteHandler<routes.ListTagsRoute> = async (c) => {
  return c.json({ items: await service.tagCounts(c.var.db, c.var.caller.userId) }, 200);
};
