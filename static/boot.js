// Loads the app's WebAssembly. An external module (not Trunk's inline
// loader) so the page runs under a CSP without inline script.
import init from "/idcapture.js";

init({ module_or_path: "/idcapture_bg.wasm" }).catch((e) => {
  document.body.textContent = "La vérification n'a pas pu démarrer. Rechargez la page.";
  console.error("idcapture failed to start", e && e.name);
});
