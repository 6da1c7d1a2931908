// /p/new: the form becomes a POST /polls as the signed-in account (account section above it,
// common.js), then the browser opens the new poll's page. Errors stay on the page, in words,
// next to the field they are about, and the form keeps everything typed for another try.
(() => {
  const { api, token, notice, problemText, sending } = window.devhub;
  const $ = (id) => document.getElementById(id);
  const form = $("new-poll");
  const message = $("new-poll-message");
  // Where each field of the request is typed on the page, for the problem's `errors[].path`.
  const FIELDS = [
    [/^body\.title/, "title"],
    [/^body\.description/, "description"],
    [/^body\.closes_at/, "closes-at"],
    [/^body\.questions\.0\.prompt/, "prompt"],
    [/^body\.questions\.0\.(choices|max_selections)/, "choices"],
  ];

  const picked = (name) => form.querySelector(`input[name="${name}"]:checked`).value;

  function request() {
    const closes = form.closes_at.value;
    return {
      title: form.title.value,
      description: form.description.value,
      voters: picked("voters"),
      results_visibility: picked("results_visibility"),
      // datetime-local is the viewer's wall-clock time; Date reads it in their zone.
      ...(closes ? { closes_at: new Date(closes).toISOString() } : {}),
      questions: [
        {
          prompt: form.prompt.value,
          kind: picked("kind"),
          choices: form.choices.value
            .split("\n")
            .map((line) => line.trim())
            .filter(Boolean)
            .map((label) => ({ label })),
        },
      ],
    };
  }

  function markInvalid(errors) {
    for (const field of form.querySelectorAll("[aria-invalid]")) field.removeAttribute("aria-invalid");
    for (const error of errors ?? []) {
      const id = FIELDS.find(([pattern]) => pattern.test(String(error.path ?? "")))?.[1];
      if (id) $(id).setAttribute("aria-invalid", "true");
    }
    form.querySelector("[aria-invalid]")?.focus();
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!token.get()) {
      notice(message, "Sign in or create an account first (above): a poll belongs to an account.", true);
      return $("email")?.focus();
    }
    const { status, body } = await sending($("create-poll"), () =>
      api("/polls", { method: "POST", json: request() }),
    );
    if (status === 201) return location.assign(`/p/${encodeURIComponent(body.id)}?outcome=created`);
    notice(message, problemText(status, body, "The poll could not be created"), true);
    markInvalid(body?.errors);
  });

  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) $("closes-hint").textContent = `In your time zone (${zone}). Leave empty to keep the poll open.`;
  window.devhub.account(() => notice(message, "")).refresh();
  form.hidden = false;
})();
