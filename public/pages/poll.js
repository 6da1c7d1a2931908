// /p/:id: votes through the JSON API (anonymous with the voter cookie, or signed in with a
// token kept in sessionStorage) and keeps the result bars current: over the live-results
// WebSocket (signed-in viewers offer their token as a subprotocol, since a browser cannot set
// Authorization on a socket), otherwise by polling GET /polls/:id/results. Which of the two
// is running is shown to the reader (#live-status) and kept in its data-mode attribute.
// Results this viewer may not see yet (after_vote, after_close) are not asked for again until
// something changes that (own vote, sign-in, the closing time); polling also pauses while the
// tab is hidden.
(() => {
  const { el, token, notice, newestOnly } = window.devhub;
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
  let hiddenForMe = false; // the API answered 403: results are not this viewer's to see yet
  let closingCheck;

  const say = (text, isError = false) => notice(message, text, isError);
  // The voter's own ballot and invitation (poll-ballot.js); `api` sends the invitation too.
  // Ranked questions' move buttons and checks (poll-ranking.js).
  const ranking = window.devhub.pollRanking($("vote"));
  const ballot = window.devhub.pollBallot({ id, form: $("vote"), say, ranking });
  const api = ballot.request;
  const invites = window.devhub.pollInvites({ id });

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
      // A ranked question: its bars are first preferences; the runoff decides (poll-runoff.js).
      if (question.ranked) section.append(window.devhub.runoffView(question));
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

  // Reads answered out of order (an anonymous one overtaken by a signed-in one): only the
  // newest read's answer is drawn.
  const resultsTurn = newestOnly();
  const viewerTurn = newestOnly();

  async function loadResults() {
    const current = resultsTurn();
    const { status, body } = await api(`/polls/${id}/results`);
    if (!current()) return;
    hiddenForMe = status === 403;
    if (status === 200) render(body);
    else if (status === 403) {
      results.replaceChildren(el("p", { class: "muted" }, results.dataset.hiddenMessage));
      checkAtClosingTime();
    } else if (status === 404) gone();
  }

  /** An after_close poll's results may show at its closing time: one look then, not every 3 s. */
  function checkAtClosingTime() {
    clearTimeout(closingCheck);
    const closesIn = Date.parse(root.dataset.closesAt ?? "") - Date.now();
    // setTimeout holds at most ~24.8 days; a later deadline is picked up on the next visit.
    if (root.dataset.visibility !== "after_close" || !(closesIn > 0) || closesIn > 2 ** 31 - 1) return;
    closingCheck = setTimeout(() => loadResults().then(subscribe), closesIn + 1000);
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
    // "hidden": results are not shown to this viewer yet, and nothing is refreshing.
    status.hidden = mode === "hidden";
    status.dataset.mode = mode;
    status.textContent = live
      ? "Live: results update as votes arrive."
      : `Refreshing every ${POLL_MS / 1000} s.`;
  }

  function poll() {
    clearTimeout(timer);
    if (live || ended || hiddenForMe || document.hidden) return;
    loadResults()
      .catch(() => undefined)
      .finally(() => {
        if (hiddenForMe) showMode("hidden");
        else if (!live) timer = setTimeout(poll, POLL_MS);
      });
  }
  // A background tab stops asking; it catches up at once when shown again.
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) poll();
  });

  /**
   * Live updates over the WebSocket; a socket that cannot open (refused, e.g. results hidden
   * until this viewer votes, or no WebSocket on the way) falls back to polling. Called again
   * whenever who may see what changes (sign-in, sign-out, own vote): the server decides the
   * audience when the socket opens.
   */
  function subscribe() {
    clearTimeout(retry);
    if (ended) return;
    if (hiddenForMe) {
      // The server would refuse the socket and the reads alike: wait for a change instead.
      socket?.close(1000);
      socket = null;
      clearTimeout(timer);
      return showMode("hidden");
    }
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

  /** Who this viewer is, as the account section and the API see it, and what follows from it. */
  async function whoAmI(signedIn) {
    const current = viewerTurn();
    me = signedIn;
    const form = $("vote");
    // A sign-in-only poll's form is for accounts: the note pointing to sign-in stands in for it.
    if (form?.dataset.needsAccount !== undefined) {
      form.hidden = !me;
      $("vote-needs-account").hidden = Boolean(me);
    }
    // Marks this browser for anonymous polls and tells us whether it (or the account) voted.
    const { status, body } = await api(`/polls/${id}`);
    if (!current()) return;
    // The API shows owner_id to the poll's owner and to admins only: they get the CSV link.
    $("csv").hidden = !(me && status === 200 && body.owner_id);
    invites.show(Boolean(me && status === 200 && body.owner_id === me.id));
    if (status === 200 && body.has_voted) {
      if (message.classList.contains("empty")) say("You have voted in this poll.");
      // Its answers checked, and change/withdraw offered where the poll allows.
      if (!(await ballot.load()) && form) for (const control of form.elements) control.disabled = true;
    }
    if (status === 404) gone();
  }

  const account = window.devhub.account(async (signedIn) => {
    await whoAmI(signedIn);
    await loadResults();
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
    // Ranked questions in rank order; a problem with ranks is shown next to its question.
    const ranked = ranking.answers();
    if (!ranked) return say("");
    const answers = [...form.querySelectorAll("fieldset")].map((fieldset) => ({
      question_id: fieldset.dataset.question,
      choice_ids:
        ranked.get(fieldset.dataset.question) ??
        [...fieldset.querySelectorAll("input:checked")].map((input) => input.value),
    }));
    if (answers.some((answer) => answer.choice_ids.length === 0))
      return say("Please answer every question.", true);
    const counted = await ballot.submit(answers);
    await loadResults();
    // Results hidden until this viewer voted may now be streamed to it.
    if (counted && !live) subscribe();
  });
  $("withdraw-vote")?.addEventListener("click", async () => {
    if (await ballot.withdraw()) await loadResults();
  });

  account
    .refresh()
    .then(whoAmI)
    .then(loadResults)
    .catch(() => undefined)
    .finally(subscribe);
})();
