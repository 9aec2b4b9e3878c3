// Swagger UI over /openapi.json, started from this file so that /docs runs no inline script (see DOCS_POLICY in serve.py).
if (window.SwaggerUIBundle) {
  window.ui = SwaggerUIBundle({
    url: "openapi.json",  // relative: the docs page may be served under a path prefix
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
  });
} else {
  document.getElementById("swagger-ui").textContent = "The API explorer loads Swagger UI from " +
    "cdn.jsdelivr.net, which this browser cannot reach; the schema itself is at /openapi.json.";
}
