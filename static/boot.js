// Loads the app's WebAssembly. An external module (not Trunk's inline
// loader) so the page runs under a CSP without inline script. Until the app
// runs, the first screen is index.html's own (see static/shell.js, which
// also keeps a press made on it for the app).
import init from "/idcapture.js";

init({ module_or_path: "/idcapture_bg.wasm" }).catch((e) => {
  document.body.textContent = "La vérification n'a pas pu démarrer. Rechargez la page.";
  console.error("idcapture failed to start", e && e.name);
});
