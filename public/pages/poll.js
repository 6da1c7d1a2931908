// /p/:id: votes through the JSON API (anonymous with the voter cookie, or signed in with a
// token kept in sessionStorage) and keeps the result bars current: over the live-results
// WebSocket (signed-in viewers offer their token as a subprotocol, since a browser cannot set
// Authorization on a socket), otherwise by polling GET /polls/:id/results. Which of the two
// is running is shown to the reader (#live-status) and kept in its data-mode attribute.
(() => {
  const { api, el, token } = window.devhub;
  const root = document.getElementById("poll");
  const id = root.dataset.pollId;
  const $ = (name) => document.getElementById(name);
  const results = $("results");
  const message = $("message");
  const POLL_MS = 3000;
  const LIVE_PROTOCOL = "devhub.results.v1";
  // The server closes a socket that has said nothing for two minutes; "ping" is all it takes.
  const PING_MS = 60_000;
  let live = false;
  let ended = false; // deleted: nothing more to fetch or subscribe to
  let socket = null;
  let timer;
  let retry;
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
    ended = true;
    clearTimeout(timer);
    clearTimeout(retry);
    socket?.close(1000);
    $("live-status").hidden = true;
    say("This poll has been deleted.", true);
    markClosed();
  }

  function showMode(mode) {
    live = mode === "live";
    const status = $("live-status");
    status.hidden = false;
    status.dataset.mode = mode;
    status.textContent = live
      ? "Live: results update as votes arrive."
      : `Refreshing every ${POLL_MS / 1000} s.`;
  }

  function poll() {
    clearTimeout(timer);
    if (live || ended) return;
    loadResults()
      .catch(() => undefined)
      .finally(() => {
        if (!live) timer = setTimeout(poll, POLL_MS);
      });
  }

  /**
   * Live updates over the WebSocket; a socket that cannot open (refused, e.g. results hidden
   * until this viewer votes, or no WebSocket on the way) falls back to polling. Called again
   * whenever who may see what changes (sign-in, sign-out, own vote): the server decides the
   * audience when the socket opens.
   */
  function subscribe() {
    clearTimeout(retry);
    if (ended) return;
    const previous = socket;
    socket = null;
    previous?.close(1000);
    const protocols = [LIVE_PROTOCOL];
    if (token.get()) protocols.push(`bearer.${token.get()}`);
    let current;
    try {
      current = new WebSocket(
        `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/polls/${id}/results/live`,
        protocols,
      );
    } catch {
      showMode("polling");
      poll();
      return;
    }
    socket = current;
    let keepAlive;
    // Events of a socket that has since been replaced are ignored.
    current.addEventListener("open", () => {
      if (socket !== current) return;
      showMode("live");
      clearTimeout(timer);
      keepAlive = setInterval(() => current.send("ping"), PING_MS);
    });
    current.addEventListener("message", (event) => {
      if (socket !== current) return;
      let data;
      try {
        data = JSON.parse(event.data);
      } catch {
        return;
      }
      if (data.type === "results" || data.type === "closed") render(data.results);
      if (data.type === "deleted") gone();
    });
    current.addEventListener("close", () => {
      clearInterval(keepAlive);
      if (socket !== current || ended) return;
      // Never opened: poll. Dropped later: poll, and try the socket again in 30 s.
      socket = null;
      const wasLive = live;
      showMode("polling");
      poll();
      if (wasLive) retry = setTimeout(subscribe, 30_000);
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
    // Marks this browser for anonymous polls and tells us whether it (or the account) voted.
    const { status, body } = await api(`/polls/${id}`);
    // The API shows owner_id to the poll's owner and to admins only: they get the CSV link.
    $("csv").hidden = !(me && status === 200 && body.owner_id);
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
    subscribe();
  });
  $("sign-out").addEventListener("click", async () => {
    token.clear();
    await whoAmI();
    subscribe();
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
      // Results hidden until this viewer voted may now be streamed to it.
      if (!live) subscribe();
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
