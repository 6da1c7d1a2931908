import { createRouter } from "../../lib/openapi.ts";
import { requireAuth } from "../../middleware/auth.ts";
import * as handlers from "./notes.handlers.ts";
import * as routes from "./notes.routes.ts";

export const notesRouter = createRouter();

for (const path of ["/notes", "/notes/*", "/trash", "/tags"]) notesRouter.use(path, requireAuth());

notesRouter
  .openapi(routes.createNoteRoute, handlers.createNote)
  .openapi(routes.listNotesRoute, handlers.listNotesHandler)
  .openapi(routes.getNoteRoute, handlers.getNote)
  .openapi(routes.updateNoteRoute, handlers.updateNote)
  .openapi(routes.deleteNoteRoute, handlers.deleteNote)
  .openapi(routes.restoreNoteRoute, handlers.restoreNote)
  .openapi(routes.emptyTrashRoute, handlers.emptyTrash)
  .openapi(routes.listTagsRoute, handlers.listTags);
