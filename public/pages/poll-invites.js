// /p/:id of an invite-only poll: its owner creates invite links (POST /polls/:id/invites).
// The token comes back once and goes into the link's fragment (#invite=…), which the voter's
// browser never sends to the server. poll.js calls show() when it learns who is signed in.
window.devhub.pollInvites = ({ id }) => {
  const { api, notice, problemText, sending } = window.devhub;
  const $ = (name) => document.getElementById(name);
  const section = $("invites");
  if (!section) return { show() {} };
  const message = $("invite-message");

  $("new-invite").addEventListener("submit", async (event) => {
    event.preventDefault();
    const label = $("invite-label").value.trim();
    const { status, body } = await sending($("create-invite"), () =>
      api(`/polls/${id}/invites`, { method: "POST", json: label ? { label } : {} }),
    );
    if (status !== 201)
      return notice(message, problemText(status, body, "The invite link was not created"), true);
    const link = new URL(`/p/${id}`, location.href);
    link.hash = `invite=${body.token}`;
    $("invite-url").value = link.href;
    $("invite-link-row").hidden = false;
    $("invite-label").value = "";
    notice(
      message,
      `Invite link created${label ? ` for ${label}` : ""}. It is shown this once: copy it now.`,
    );
  });

  return {
    /** Shown to the poll's owner only (the API refuses anyone else's invitations anyway). */
    show(isOwner) {
      section.hidden = !isOwner;
    },
  };
};
