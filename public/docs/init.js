// Boots Swagger UI against this API's own OpenAPI document. Kept as a same-origin file
// (not inline) so the docs page can run under a CSP without 'unsafe-inline' scripts.
window.addEventListener("DOMContentLoaded", () => {
  // A pasted token lives in this page only: persisted, it would sit in localStorage for ever,
  // readable by any script on this origin. Earlier versions of the page persisted it, so a
  // token they left behind is wiped.
  localStorage.removeItem("authorized");
  const root = document.getElementById("swagger-ui");
  // Accessibility repairs Swagger UI's markup needs, applied as it (re-)renders:
  // - its servers and parameter <select>s and request-body <textarea> carry no label;
  // - deep links put an <a href> inside each operation's toggle <button> (a control inside a
  //   control, tabbed to twice): without href it is plain text, and the button still opens it;
  // - code samples scroll sideways but cannot be reached by keyboard.
  function repair() {
    for (const select of root.querySelectorAll(".servers select:not([aria-label])"))
      select.setAttribute("aria-label", "Server the requests go to");
    // A parameter whose values are listed (an enum) gets a <select> with no label either.
    for (const select of root.querySelectorAll(".parameters-col_description select:not([aria-label])")) {
      const name = select.closest("tr")?.dataset.paramName;
      select.setAttribute("aria-label", name ? `Value of ${name}` : "Parameter value");
    }
    for (const textarea of root.querySelectorAll("textarea:not([aria-label])"))
      textarea.setAttribute("aria-label", "Request body");
    for (const link of root.querySelectorAll(".opblock-summary-control a[href]"))
      link.removeAttribute("href");
    for (const code of root.querySelectorAll("pre:not([tabindex])")) code.setAttribute("tabindex", "0");
  }
  new MutationObserver(repair).observe(root, { childList: true, subtree: true });
  // Swagger UI's own dark theme hangs off html.dark-mode: follow the system's colour scheme.
  const dark = matchMedia("(prefers-color-scheme: dark)");
  const followScheme = () => document.documentElement.classList.toggle("dark-mode", dark.matches);
  followScheme();
  dark.addEventListener("change", followScheme);
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    // Its highlighter's palettes (light and dark) fall under 4.5:1; plain text reads in both.
    syntaxHighlight: false,
  });
});
