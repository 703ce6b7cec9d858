#!/usr/bin/env bash
# Trunk's post_build hook (Trunk.toml), run in Trunk's staging directory:
#  1. the analysis worker again with WebAssembly SIMD (`+simd128`: LLVM
#     vectorises the quality core's loops), beside Trunk's scalar build;
#     the worker's boot script (static/analysis.js) picks it where
#     `WebAssembly.validate` accepts a SIMD instruction, and falls back to
#     the scalar one if it does not load;
#  2. tools/hash-assets.mjs: content-hashed names, references, .br/.gz.
# The SIMD build has a target directory of its own (other RUSTFLAGS would
# otherwise rebuild the scalar one's every time).
set -euo pipefail
staging="${TRUNK_STAGING_DIR:?run by Trunk, or set TRUNK_STAGING_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Always Cargo's `web` profile: analysis.js prefers this build, so it must
# never be an unoptimised one (as `dev` would be under `trunk serve`).
RUSTFLAGS="-C target-feature=+simd128" cargo build --quiet --profile web \
  --target wasm32-unknown-unknown --target-dir target/simd -p idcapture-analysis --bin idcapture-analysis
# Its own global (the scalar glue's is `wasm_bindgen`): both glues can be
# imported in one worker when the SIMD one fails and the scalar one follows.
wasm-bindgen --target no-modules --no-modules-global wasm_bindgen_simd --no-typescript \
  --out-dir "$staging" --out-name idcapture-analysis-simd \
  "target/simd/wasm32-unknown-unknown/web/idcapture-analysis.wasm"
wasm-opt -O3 --enable-simd --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals "$staging/idcapture-analysis-simd_bg.wasm" -o "$staging/idcapture-analysis-simd_bg.wasm"
node tools/hash-assets.mjs "$staging"
