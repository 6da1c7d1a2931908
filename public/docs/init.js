// Boots Swagger UI against this API's own OpenAPI document. Kept as a same-origin file
// (not inline) so the docs page can run under a CSP without 'unsafe-inline' scripts.
window.addEventListener("DOMContentLoaded", () => {
  // A pasted token lives in this page only: persisted, it would sit in localStorage for ever,
  // readable by any script on this origin. Earlier versions of the page persisted it, so a
  // token they left behind is wiped.
  localStorage.removeItem("authorized");
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    tryItOutEnabled: true,
    displayRequestDuration: true,
  });
});
