// Shared by the pages: the bearer token kept for this tab only, and JSON requests with it.
// sessionStorage (not localStorage, not a cookie) so the token dies with the tab and is never
// sent anywhere the page does not send it explicitly.
window.devhub = (() => {
  // Lets the stylesheet hide what is only for readers without script (.js .no-js).
  document.documentElement.classList.add("js");
  const KEY = "devhub.token";
  const token = {
    get: () => sessionStorage.getItem(KEY),
    set: (value) => sessionStorage.setItem(KEY, value),
    clear: () => sessionStorage.removeItem(KEY),
  };

  /**
   * Fetches JSON from this origin; resolves to { status, body } (body null when not JSON).
   * A request that never got an answer (offline, server down) resolves to status 0.
   */
  async function api(path, options = {}) {
    const headers = { Accept: "application/json", ...(options.headers ?? {}) };
    const bearer = token.get();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    if (options.json !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, {
        method: options.method ?? "GET",
        headers,
        credentials: "same-origin",
        body: options.json === undefined ? undefined : JSON.stringify(options.json),
      });
    } catch {
      return { status: 0, body: null, headers: new Headers() };
    }
    const type = response.headers.get("Content-Type") ?? "";
    const body = /json/.test(type) ? await response.json() : null;
    return { status: response.status, body, headers: response.headers };
  }

  /**
   * For reads whose answers can arrive out of order, e.g. an anonymous read still on its way
   * when the signed-in one returns: `const turn = newestOnly()` once, then per read
   * `const current = turn(); const answer = await …; if (!current()) return;` drops every
   * answer but the one to the newest read.
   */
  function newestOnly() {
    let newest = 0;
    return () => {
      const mine = ++newest;
      return () => mine === newest;
    };
  }

  /** Creates an element with text content only: user content never goes through innerHTML. */
  function el(tag, attributes = {}, text) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  /** Colours for charts, read from the page's CSS so dark and light modes both stay readable. */
  function palette() {
    const style = getComputedStyle(document.documentElement);
    const read = (name) => style.getPropertyValue(name).trim();
    return {
      text: read("--text"),
      grid: read("--grid"),
      series: [read("--c1"), read("--c2"), read("--c3"), read("--c4"), read("--c5"), read("--c6")],
    };
  }

  /**
   * Calls `redraw` whenever the colour scheme flips: canvas charts paint with the colours read
   * at draw time, so without this a chart drawn in light mode stays light-on-dark (and the
   * reverse) after the system or the user switches scheme.
   */
  function onSchemeChange(redraw) {
    matchMedia("(prefers-color-scheme: dark)").addEventListener("change", redraw);
  }

  /**
   * A failed answer in words: the problem's detail, then each field's message ("Password: Must
   * be at least 8 characters…"), or what to do when nothing answered.
   */
  function problemText(status, body, fallback) {
    if (status === 0) return "Could not reach the server. Check your connection and try again.";
    const fields = (body?.errors ?? []).map((error) => {
      const name = String(error.path ?? "")
        .replace(/^body\./, "")
        .replace(/[._]/g, " ")
        .trim();
      return name ? `${name.replace(/^./, (c) => c.toUpperCase())}: ${error.message}` : error.message;
    });
    const detail = body?.detail ?? `${fallback} (HTTP ${status}).`;
    return [detail, ...fields].join(" ");
  }

  /**
   * Runs `task` with `button` disabled and saying "Sending…", so a second click cannot send
   * twice and the reader knows something is happening; the button comes back for a retry.
   */
  async function sending(button, task) {
    const label = button.textContent;
    button.disabled = true;
    button.textContent = "Sending…";
    button.closest("form")?.setAttribute("aria-busy", "true");
    try {
      return await task();
    } finally {
      button.textContent = label;
      button.disabled = false;
      button.closest("form")?.removeAttribute("aria-busy");
    }
  }

  /** Shows `text` in a notice element (role=status), as an error or not; empty hides it. */
  function notice(node, text, isError = false) {
    node.textContent = text;
    node.className = `notice${text ? "" : " empty"}${isError ? " error" : ""}`;
  }

  // <time data-local-time> from the server says UTC: rewritten in the viewer's zone, in words.
  const RELATIVE =
    typeof Intl.RelativeTimeFormat === "function"
      ? new Intl.RelativeTimeFormat([], { numeric: "auto" })
      : null;
  const UNITS = [
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];
  function inWords(date) {
    const seconds = (date - Date.now()) / 1000;
    if (!RELATIVE || Math.abs(seconds) < 60) return Math.abs(seconds) < 60 ? "now" : "";
    const [unit, size] = UNITS.find(([, length]) => Math.abs(seconds) >= length);
    return RELATIVE.format(Math.round(seconds / size), unit);
  }
  function localTimes(root = document) {
    for (const node of root.querySelectorAll("time[data-local-time]")) {
      const date = new Date(node.getAttribute("datetime"));
      if (Number.isNaN(date.getTime())) continue;
      const thisYear = date.getFullYear() === new Date().getFullYear();
      const local = date.toLocaleString([], {
        weekday: "short",
        day: "numeric",
        month: "short",
        ...(thisYear ? {} : { year: "numeric" }),
        hour: "2-digit",
        minute: "2-digit",
        timeZoneName: "short",
      });
      node.textContent = `${local} (${inWords(date)})`;
      node.title = `${date.toISOString().replace("T", " ").slice(0, 16)} UTC`;
    }
  }

  // Copy buttons (data-copy-from="<input id>"): shown only with script, where they work.
  function copyButtons() {
    for (const button of document.querySelectorAll("button[data-copy-from]")) {
      const field = document.getElementById(button.dataset.copyFrom);
      const status = document.getElementById("copy-status");
      button.hidden = false;
      button.addEventListener("click", async () => {
        field.select();
        let copied = false;
        try {
          await navigator.clipboard.writeText(field.value);
          copied = true;
        } catch {
          copied = document.execCommand?.("copy") ?? false;
        }
        if (status) status.textContent = copied ? "Link copied." : "Selected: press Ctrl+C (⌘C) to copy.";
      });
    }
  }

  /**
   * The Account section (account.forms.tsx): signs in or registers through the JSON API and
   * keeps the token in this tab. `onChange(me)` runs after each change of who is signed in
   * (`me`: the /me body, or null); `refresh()` reads it without running `onChange`.
   */
  function account(onChange) {
    const $ = (id) => document.getElementById(id);
    const form = $("sign-in");
    const message = $("account-message");
    $("account").hidden = false;
    function setMode(mode) {
      const register = mode === "register";
      form.dataset.mode = mode;
      $("account-name-row").hidden = !register;
      $("account-name").required = register;
      $("password-hint").hidden = !register;
      $("password").autocomplete = register ? "new-password" : "current-password";
      $("account-submit").textContent = register ? "Create account" : "Sign in";
      $("account-switch-text").textContent = register ? "Have an account?" : "New here?";
      $("account-switch").textContent = register ? "Use it instead" : "Create an account";
      notice(message, "");
    }
    // A read overtaken by a newer one (the page's first read, then a sign-in) draws nothing
    // and answers with the newer read's result.
    let newestRead;
    function refresh() {
      const read = (async () => {
        let me = null;
        if (token.get()) {
          const { status, body } = await api("/me");
          if (read !== newestRead) return newestRead;
          if (status === 200) me = body;
          else if (status === 401) token.clear();
        }
        $("signed-in").hidden = !me;
        $("signed-in-name").textContent = me ? ` as ${me.display_name}` : "";
        form.hidden = Boolean(me);
        return me;
      })();
      newestRead = read;
      return read;
    }
    $("account-switch").addEventListener("click", () =>
      setMode(form.dataset.mode === "register" ? "login" : "register"),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const register = form.dataset.mode === "register";
      const json = { email: form.email.value, password: form.password.value };
      if (register) json.display_name = form.display_name.value;
      const path = register ? "/auth/register" : "/auth/login";
      const { status, body } = await sending($("account-submit"), () => api(path, { method: "POST", json }));
      if (status !== 200 && status !== 201) {
        const failed = register ? "The account could not be created" : "Sign-in failed";
        return notice(message, problemText(status, body, failed), true);
      }
      form.password.value = "";
      setMode("login");
      token.set(body.access_token);
      await onChange(await refresh());
    });
    $("sign-out").addEventListener("click", async () => {
      token.clear();
      await onChange(await refresh());
    });
    return { refresh };
  }

  localTimes();
  copyButtons();

  return {
    token,
    api,
    el,
    palette,
    onSchemeChange,
    problemText,
    sending,
    notice,
    localTimes,
    account,
    newestOnly,
  };
})();
