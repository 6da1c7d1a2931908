// Boots Swagger UI against this API's own OpenAPI document. Kept as a same-origin file
// (not inline) so the docs page can run under a CSP without 'unsafe-inline' scripts.
window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
  });
});
