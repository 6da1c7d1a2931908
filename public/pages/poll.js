// /p/:id: votes through the JSON API (anonymous with the voter cookie, or signed in with a
// token kept in sessionStorage) and keeps the result bars current: over the live-results
// WebSocket when the server has one, otherwise by polling GET /polls/:id/results.
(() => {
  const { api, el, token } = window.devhub;
  const root = document.getElementById("poll");
  const id = root.dataset.pollId;
  const $ = (name) => document.getElementById(name);
  const results = $("results");
  const message = $("message");
  const POLL_MS = 3000;
  let live = false;
  let timer;
  let me = null;

  function say(text, isError = false) {
    message.textContent = text;
    message.className = isError ? "notice error" : "notice";
  }

  function render(data) {
    const wrap = el("div", { class: "results" });
    const total = el("p", { class: "muted" });
    total.append(
      el("span", { "data-total": "" }, data.total_voters),
      ` ${data.total_voters === 1 ? "voter" : "voters"}`,
    );
    wrap.append(total);
    for (const question of data.questions) {
      const section = el("section", { class: "result", "data-question": question.id });
      section.append(el("h3", {}, question.prompt));
      const list = el("ul", { class: "plain" });
      for (const choice of question.choices) {
        const summary = `${choice.votes} ${choice.votes === 1 ? "vote" : "votes"}, ${choice.percent}%`;
        const item = el("li", { "data-choice": choice.id });
        const meter = el("meter", {
          min: 0,
          max: 100,
          value: choice.percent,
          "aria-label": `${choice.label}: ${summary}`,
        });
        item.append(
          el("span", { class: "label" }, choice.label),
          meter,
          el("span", { class: "count" }, summary),
        );
        list.append(item);
      }
      section.append(list);
      wrap.append(section);
    }
    results.replaceChildren(wrap);
    if (data.status === "closed") markClosed();
  }

  function markClosed() {
    $("poll-status").textContent = "Closed";
    const form = $("vote");
    if (form) for (const control of form.elements) control.disabled = true;
  }

  async function loadResults() {
    const { status, body } = await api(`/polls/${id}/results`);
    if (status === 200) render(body);
    else if (status === 403)
      results.replaceChildren(el("p", { class: "muted" }, results.dataset.hiddenMessage));
    else if (status === 404) gone();
  }

  function gone() {
    clearTimeout(timer);
    say("This poll has been deleted.", true);
    markClosed();
  }

  function poll() {
    clearTimeout(timer);
    if (live) return;
    loadResults()
      .catch(() => undefined)
      .finally(() => {
        if (!live) timer = setTimeout(poll, POLL_MS);
      });
  }

  /** Live updates once the server offers them; any failure to open falls back to polling. */
  function subscribe() {
    let socket;
    try {
      socket = new WebSocket(
        `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/polls/${id}/results/live`,
      );
    } catch {
      poll();
      return;
    }
    socket.addEventListener("open", () => {
      live = true;
      clearTimeout(timer);
    });
    socket.addEventListener("message", (event) => {
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data.type === "results" || data.type === "closed") render(data.results);
      if (data.type === "deleted") gone();
    });
    socket.addEventListener("close", () => {
      // Never opened (no such endpoint yet, or refused): poll. Dropped later: poll, retry in 30 s.
      const wasLive = live;
      live = false;
      poll();
      if (wasLive) setTimeout(subscribe, 30_000);
    });
  }

  async function whoAmI() {
    me = null;
    if (token.get()) {
      const { status, body } = await api("/me");
      if (status === 200) me = body;
      else token.clear();
    }
    $("signed-in").hidden = !me;
    $("sign-in").hidden = Boolean(me);
    $("csv").hidden = !(me && (me.id === root.dataset.ownerId || me.role === "admin"));
    // Marks this browser for anonymous polls and tells us whether it (or the account) voted.
    const { status, body } = await api(`/polls/${id}`);
    if (status === 200 && body.has_voted) {
      say("You have voted in this poll.");
      const form = $("vote");
      if (form) for (const control of form.elements) control.disabled = true;
    }
    if (status === 404) gone();
  }

  $("account").hidden = false;
  $("sign-in").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.currentTarget;
    const { status, body } = await api("/auth/login", {
      method: "POST",
      json: { email: form.email.value, password: form.password.value },
    });
    form.password.value = "";
    if (status !== 200) return say(body?.detail ?? "Sign-in failed.", true);
    token.set(body.access_token);
    await whoAmI();
    await loadResults();
  });
  $("sign-out").addEventListener("click", async () => {
    token.clear();
    await whoAmI();
  });

  // An owner's CSV may need the bearer token, which a plain link cannot send.
  $("csv").addEventListener("click", async (event) => {
    if (!token.get()) return;
    event.preventDefault();
    const response = await fetch(`/polls/${id}/results.csv`, {
      headers: { Authorization: `Bearer ${token.get()}` },
    });
    if (!response.ok) return say("The CSV could not be downloaded.", true);
    const link = el("a", {
      href: URL.createObjectURL(await response.blob()),
      download: `poll-${id}-results.csv`,
    });
    link.click();
    URL.revokeObjectURL(link.href);
  });

  const form = $("vote");
  form?.addEventListener("submit", async (event) => {
    event.preventDefault();
    const answers = [...form.querySelectorAll("fieldset")].map((fieldset) => ({
      question_id: fieldset.dataset.question,
      choice_ids: [...fieldset.querySelectorAll("input:checked")].map((input) => input.value),
    }));
    if (answers.some((answer) => answer.choice_ids.length === 0))
      return say("Please answer every question.", true);
    $("submit-vote").disabled = true;
    const { status, body } = await api(`/polls/${id}/votes`, { method: "POST", json: { answers } });
    if (status === 201) {
      say("Your vote was recorded.");
      for (const control of form.elements) control.disabled = true;
    } else {
      say(body?.detail ?? `The vote failed (HTTP ${status}).`, true);
      $("submit-vote").disabled = false;
    }
    await loadResults();
  });

  whoAmI()
    .then(loadResults)
    .catch(() => undefined)
    .finally(subscribe);
})();
