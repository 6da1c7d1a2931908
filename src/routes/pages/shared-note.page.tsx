/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { raw } from "hono/html";
import type { AppEnv } from "../../env.ts";
import { renderSafeMarkdown } from "../../lib/safe-markdown.ts";
import type { SharedNote } from "../notes/notes.shares.schemas.ts";
import { renderPage } from "./layout.tsx";

/**
 * A shared note for people. Its URL holds the token, so the page sends no referrer and asks
 * not to be indexed; the Markdown goes through the safe renderer, whose output is the only
 * unescaped markup (see src/lib/safe-markdown.ts).
 */
export function sharedNotePage(c: Context<AppEnv>, note: SharedNote) {
  return renderPage(
    c,
    { title: note.title, referrerPolicy: "no-referrer", noindex: true },
    <article class="card" aria-labelledby="shared-title">
      <h1 id="shared-title">{note.title}</h1>
      <p class="muted">
        Shared note · updated <time datetime={note.updated_at}>{note.updated_at.slice(0, 10)}</time>
        {note.tags.length > 0 ? ` · ${note.tags.map((tag) => `#${tag}`).join(" ")}` : ""}
      </p>
      <div class="note-body">{raw(renderSafeMarkdown(note.content))}</div>
    </article>,
  );
}
