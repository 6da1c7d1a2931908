// Shared by the pages: the bearer token kept for this tab only, and JSON requests with it.
// sessionStorage (not localStorage, not a cookie) so the token dies with the tab and is never
// sent anywhere the page does not send it explicitly.
window.devhub = (() => {
  const KEY = "devhub.token";
  const token = {
    get: () => sessionStorage.getItem(KEY),
    set: (value) => sessionStorage.setItem(KEY, value),
    clear: () => sessionStorage.removeItem(KEY),
  };

  /** Fetches JSON from this origin; resolves to { status, body } (body null when not JSON). */
  async function api(path, options = {}) {
    const headers = { Accept: "application/json", ...(options.headers ?? {}) };
    const bearer = token.get();
    if (bearer) headers.Authorization = `Bearer ${bearer}`;
    if (options.json !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      credentials: "same-origin",
      body: options.json === undefined ? undefined : JSON.stringify(options.json),
    });
    const type = response.headers.get("Content-Type") ?? "";
    const body = /json/.test(type) ? await response.json() : null;
    return { status: response.status, body, headers: response.headers };
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

  return { token, api, el, palette, onSchemeChange };
})();
