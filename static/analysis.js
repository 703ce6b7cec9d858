// The analysis worker's boot (a classic worker, so every engine with
// WebAssembly runs it): load the wasm-bindgen glue and the module; the
// module's start function then listens to the page. Two builds of the same
// module ship: with WebAssembly SIMD (chosen where the engine validates a
// SIMD instruction: the probe is wasm-feature-detect's `simd`) and scalar
// (the others, and the fallback when the SIMD one does not load). The
// names are rewritten to hashed ones by tools/hash-assets.mjs.
/* global wasm_bindgen, wasm_bindgen_simd */
// `?scalar`: the page's replacement for a worker that crashed or stalled.
const SIMD = !self.location.search.includes("scalar") && WebAssembly.validate(
  new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]),
);

function scalar() {
  importScripts("/idcapture-analysis.js");
  return wasm_bindgen({ module_or_path: "/idcapture-analysis_bg.wasm" });
}

function simd() {
  importScripts("/idcapture-analysis-simd.js");
  return wasm_bindgen_simd({ module_or_path: "/idcapture-analysis-simd_bg.wasm" });
}

// A promise for `f()`, whether it throws (importScripts) or rejects.
const attempt = (f) => new Promise((resolve) => resolve(f()));

(SIMD ? attempt(simd).catch(() => attempt(scalar)) : attempt(scalar)).catch(() => {
  // Thrown from a task of its own, so the page's `error` listener hears it
  // at once (a rejected promise alone would leave it waiting).
  setTimeout(() => {
    throw new Error("idcapture: the analysis module did not start");
  });
});
