/** @jsxImportSource hono/jsx */

/**
 * The poll's address to pass on: a read-only field anyone can select and copy by hand, and a
 * Copy button that common.js reveals (a button that needs script is not shown without it).
 */
export function PollShareLink({ url }: { url: string }) {
  return (
    <section class="card" id="share" aria-labelledby="h-share">
      <h2 id="h-share">Share this poll</h2>
      <label for="share-url">Link to this poll</label>
      <div class="lookup-row">
        <input id="share-url" type="text" readonly value={url} spellcheck={false} />
        <button type="button" id="copy-link" data-copy-from="share-url" hidden>
          Copy link
        </button>
      </div>
      <p id="copy-status" class="muted" role="status" />
    </section>
  );
}
