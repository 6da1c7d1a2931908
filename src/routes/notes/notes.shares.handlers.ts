import { ApiError } from "../../lib/problem.ts";
import type { AppRouteHandler } from "../../lib/types.ts";
import { preferred } from "../../middleware/negotiate.ts";
import { sharedNotePage } from "../pages/shared-note.page.tsx";
import type * as routes from "./notes.shares.routes.ts";
import * as shares from "./notes.shares.service.ts";
import { notFound } from "./notes.target.ts";

export const createNoteShare: AppRouteHandler<routes.CreateNoteShareRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const { expires_at } = c.req.valid("json");
  const expiresAt = expires_at === undefined ? undefined : new Date(expires_at);
  if (expiresAt && expiresAt.getTime() <= Date.now()) {
    throw new ApiError("validation-failed", {
      detail: "expires_at must be in the future.",
      errors: [{ path: "body.expires_at", message: "Must be in the future." }],
    });
  }
  const userId = c.var.caller.userId;
  const result = await shares.createShare(c.var.db, userId, id, expiresAt);
  if (result.outcome === "missing") {
    const exists = (await shares.listShares(c.var.db, userId, id)) !== undefined;
    if (!exists) throw notFound(id);
    throw new ApiError("conflict", { detail: "The note is in the trash; restore it before sharing it." });
  }
  if (result.outcome === "full") {
    throw new ApiError("conflict", {
      detail: `A note has at most ${shares.SHARES_PER_NOTE} share links; revoke one first.`,
    });
  }
  c.var.log.info("audit", "note.shared", { user_id: userId, note_id: id, share_id: result.share.id });
  const url = new URL(`/s/${result.token}`, c.req.url).href;
  c.header("Location", `/notes/${id}/shares`);
  return c.json({ ...result.share, token: result.token, url }, 201);
};

export const listNoteShares: AppRouteHandler<routes.ListNoteSharesRoute> = async (c) => {
  const { id } = c.req.valid("param");
  const items = await shares.listShares(c.var.db, c.var.caller.userId, id);
  if (!items) throw notFound(id);
  return c.json({ items }, 200);
};

export const revokeNoteShare: AppRouteHandler<routes.RevokeNoteShareRoute> = async (c) => {
  const { id, share_id } = c.req.valid("param");
  const userId = c.var.caller.userId;
  if (!(await shares.revokeShare(c.var.db, userId, id, share_id))) {
    throw new ApiError("not-found", { detail: `Note ${id} has no share link ${share_id}.` });
  }
  c.var.log.info("audit", "note.share_revoked", { user_id: userId, note_id: id, share_id });
  return c.body(null, 204);
};

export const readSharedNote: AppRouteHandler<routes.ReadSharedNoteRoute> = async (c) => {
  const { token } = c.req.valid("param");
  c.header("Referrer-Policy", "no-referrer");
  c.header("X-Robots-Tag", "noindex, nofollow");
  c.header("Vary", "Accept");
  const note = await shares.readShared(c.var.db, token);
  if (!note)
    throw new ApiError("not-found", { detail: "This share link does not exist or no longer works." });
  if (preferred(c.req.header("Accept"), "application/json", "text/html") === "text/html") {
    return sharedNotePage(c, note) as never;
  }
  return c.json(note, 200);
};
