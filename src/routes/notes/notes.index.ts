import { createRouter } from "../../lib/openapi.ts";
import * as handlers from "./notes.handlers.ts";
import * as routes from "./notes.routes.ts";
import * as shareHandlers from "./notes.shares.handlers.ts";
import * as shareRoutes from "./notes.shares.routes.ts";
import * as transferHandlers from "./notes.transfer.handlers.ts";
import * as transferRoutes from "./notes.transfer.routes.ts";
import * as versionHandlers from "./notes.versions.handlers.ts";
import * as versionRoutes from "./notes.versions.routes.ts";

/** Every notes route is `authed` but the public read of a share link, `GET /s/{token}` (each declares its access). */
export const notesRouter = createRouter()
  // Before `/notes/{id}`: the static paths must win over the parameter.
  .openapi(transferRoutes.exportNotesRoute, transferHandlers.exportNotesHandler)
  .openapi(transferRoutes.importNotesRoute, transferHandlers.importNotesHandler)
  .openapi(routes.createNoteRoute, handlers.createNote)
  .openapi(routes.listNotesRoute, handlers.listNotesHandler)
  .openapi(routes.getNoteRoute, handlers.getNote)
  .openapi(routes.updateNoteRoute, handlers.updateNote)
  .openapi(routes.deleteNoteRoute, handlers.deleteNote)
  .openapi(routes.restoreNoteRoute, handlers.restoreNote)
  .openapi(routes.emptyTrashRoute, handlers.emptyTrash)
  .openapi(routes.listTagsRoute, handlers.listTags)
  .openapi(versionRoutes.listNoteVersionsRoute, versionHandlers.listNoteVersions)
  .openapi(versionRoutes.getNoteVersionRoute, versionHandlers.getNoteVersion)
  .openapi(versionRoutes.restoreNoteVersionRoute, versionHandlers.restoreNoteVersion)
  .openapi(shareRoutes.createNoteShareRoute, shareHandlers.createNoteShare)
  .openapi(shareRoutes.listNoteSharesRoute, shareHandlers.listNoteShares)
  .openapi(shareRoutes.revokeNoteShareRoute, shareHandlers.revokeNoteShare)
  .openapi(shareRoutes.readSharedNoteRoute, shareHandlers.readSharedNote);
