/** @jsxImportSource hono/jsx */

/**
 * An invite-only poll's owner makes invite links here (poll-invites.js shows the section to
 * the signed-in owner). Each link carries its token in the fragment, shown this once: the
 * server keeps only its hash.
 */
export function PollInviteLinks() {
  return (
    <section class="card" id="invites" aria-labelledby="h-invites" hidden>
      <h2 id="h-invites">Invite voters</h2>
      <p class="muted">
        Each link admits one ballot. It is shown once: copy it and send it to the one person it is for.
      </p>
      <form id="new-invite" class="lookup-row">
        <label for="invite-label" class="sr-only">
          Who it is for (optional, for your own list)
        </label>
        <input id="invite-label" type="text" maxlength={200} placeholder="Who it is for (optional)" />
        <button type="submit" id="create-invite">
          Create an invite link
        </button>
      </form>
      <p id="invite-message" role="status" class="notice empty" />
      <div class="lookup-row" id="invite-link-row" hidden>
        <label for="invite-url" class="sr-only">
          New invite link
        </label>
        <input id="invite-url" type="text" readonly spellcheck={false} />
        <button type="button" data-copy-from="invite-url" hidden>
          Copy invite link
        </button>
      </div>
    </section>
  );
}
