// The in-browser benchmark: on the same frames, in the same page, our
// quality core (wasm, built like the app's analysis worker: opt-level 3,
// wasm-opt -O3; scalar, and again with WebAssembly SIMD) against OpenCV.js
// (npm @techstark/opencv-js) running the pipeline a web developer would
// write for the same job: the document's outline (Canny, findContours,
// approxPolyDP), the variance of the Laplacian and the share of blown
// highlights, at 640 px. Every call is timed with performance.now(), copies
// of the pixels into wasm included on both sides; medians over every frame
// and pass. Results in `window.benchResult`.
import init, * as scalarCore from "/pkg/idcapture_bench_web.js";
import initSimd, * as simdCore from "/pkg-simd/idcapture_bench_web.js";

const DOCS = [
  "doc_good_001.jpg", "doc_blur_001.jpg", "doc_glare_001.jpg", "doc_dark_001.jpg", "doc_screen_001.jpg",
  "doc_photocopy_001.jpg", "doc_nodoc_001.jpg", "doc_small_003.jpg", "doc_cutoff_001.jpg", "doc_screenshot_001.png",
];
// Sides with an MRZ (TD1, TD3, the 1995 card) and one without, read as the
// capture loop reads them: 1280 px on the long side.
const MRZ = [
  "mrz/mrz_id_card_back_003.jpg", "mrz/mrz_passport_front_027.jpg", "mrz/mrz_id_card_1995_front_046.jpg",
  "mrz/mrz_id_card_front_001.jpg",
];
const SELFIES = ["selfie_good_000.jpg", "selfie_blur_000.jpg", "selfie_withdoc_000.jpg", "selfie_noface_000.jpg"];
const PASSES = Number(new URLSearchParams(location.search).get("passes") || 10);

const median = (a) => {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function image(name) {
  const img = new Image();
  img.src = "/fixtures/" + name;
  await img.decode();
  return img;
}

/** RGBA pixels of (a region of) an image drawn at w x h. */
function pixels(img, w, h, sx = 0, sy = 0, sw = img.naturalWidth, sh = img.naturalHeight) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  const ctx = c.getContext("2d", { willReadFrequently: true });
  ctx.drawImage(img, sx, sy, sw, sh, 0, 0, w, h);
  return ctx.getImageData(0, 0, w, h);
}

/** The frame the live loop sees: longer side 640. */
function frame640(img) {
  const k = 640 / Math.max(img.naturalWidth, img.naturalHeight);
  return pixels(img, Math.round(img.naturalWidth * k), Math.round(img.naturalHeight * k));
}

/** OpenCV.js once its runtime is up, wrapped: the Emscripten module is a
 * thenable whose `then` hands back itself, so resolving a promise with it
 * directly never settles. */
function opencvReady() {
  return new Promise((resolve) => {
    const cv = window.cv;
    if (cv.Mat) resolve({ cv });
    else cv.onRuntimeInitialized = () => resolve({ cv });
  });
}

/** Variance of the Laplacian of the grey frame, with OpenCV.js. */
function laplacianVariance(cv, img) {
  const src = cv.matFromImageData(img);
  const gray = new cv.Mat();
  const lap = new cv.Mat();
  const mean = new cv.Mat();
  const sd = new cv.Mat();
  cv.cvtColor(src, gray, cv.COLOR_RGBA2GRAY);
  cv.Laplacian(gray, lap, cv.CV_64F);
  cv.meanStdDev(lap, mean, sd);
  const v = sd.doubleAt(0, 0) ** 2;
  for (const m of [src, gray, lap, mean, sd]) m.delete();
  return v;
}

/** The pipeline a web developer would write with OpenCV.js for the live
 * check (OpenCV docs' "Contours" and "Image gradients" tutorials): grey,
 * a 5x5 Gaussian, Canny, the external contours, each large one
 * approximated (2 % of its perimeter) and the largest quadrilateral kept
 * as the document; then the variance of the Laplacian (blur) and the share
 * of pixels over 245 (glare). */
function opencvPipeline(cv, img) {
  const src = cv.matFromImageData(img);
  const gray = new cv.Mat();
  const blur = new cv.Mat();
  const edges = new cv.Mat();
  const contours = new cv.MatVector();
  const hierarchy = new cv.Mat();
  const lap = new cv.Mat();
  const mean = new cv.Mat();
  const sd = new cv.Mat();
  const bright = new cv.Mat();
  cv.cvtColor(src, gray, cv.COLOR_RGBA2GRAY);
  cv.GaussianBlur(gray, blur, new cv.Size(5, 5), 0);
  cv.Canny(blur, edges, 50, 150);
  cv.findContours(edges, contours, hierarchy, cv.RETR_EXTERNAL, cv.CHAIN_APPROX_SIMPLE);
  const total = img.width * img.height;
  let best = 0;
  for (let i = 0; i < contours.size(); i++) {
    const c = contours.get(i);
    const area = cv.contourArea(c);
    if (area > 0.05 * total) {
      const approx = new cv.Mat();
      cv.approxPolyDP(c, approx, 0.02 * cv.arcLength(c, true), true);
      if (approx.rows === 4 && area > best) best = area;
      approx.delete();
    }
    c.delete();
  }
  cv.Laplacian(gray, lap, cv.CV_64F);
  cv.meanStdDev(lap, mean, sd);
  const variance = sd.doubleAt(0, 0) ** 2;
  cv.threshold(gray, bright, 245, 255, cv.THRESH_BINARY);
  const highlights = cv.countNonZero(bright) / total;
  for (const m of [src, gray, blur, edges, contours, hierarchy, lap, mean, sd, bright]) m.delete();
  return { document: best / total, variance, highlights };
}

function time(f) {
  const t = performance.now();
  f();
  return performance.now() - t;
}

/** Every timing, the two builds of the core (`cores`: each module's
 * exports) interleaved call by call (neither gains from running second:
 * warmer caches, a settled JIT), OpenCV.js timed on the same frames in the
 * same passes. Returns one result per build. */
async function run(cores, cv, model) {
  const n = cores[0].patch_side();
  const docs = [];
  for (const name of DOCS) {
    const img = await image(name);
    const f = frame640(img);
    const [cx, cy] = [img.naturalWidth / 2, img.naturalHeight / 2];
    docs.push({ name, f, patch: pixels(img, n, n, Math.max(0, cx - n / 2), Math.max(0, cy - n / 2), n, n) });
  }
  const mrz = [];
  for (const name of MRZ) {
    const img = await image(name);
    const k = 1280 / Math.max(img.naturalWidth, img.naturalHeight);
    mrz.push({ name, f: pixels(img, Math.round(img.naturalWidth * k), Math.round(img.naturalHeight * k)) });
  }
  const selfies = [];
  for (const name of SELFIES) selfies.push({ name, f: frame640(await image(name)) });

  const per = cores.map((core) => ({
    core,
    faces: new core.FaceBench(model),
    live: new core.LiveBench(),
    t: { full: [], live: [], face320: [], face640: [], mrz: [] },
    reads: new Set(),
    names: core.stage_names(),
  }));
  for (const p of per) p.stages = p.names.map(() => []);
  const cvt = { lap: [], pipe: [] };
  // One pass to warm up (JIT, wasm tier-up, allocations), not counted.
  for (let pass = 0; pass <= PASSES; pass++) {
    const keep = pass > 0;
    for (const d of docs) {
      const { data, width, height } = d.f;
      for (const p of per) {
        const a = time(() => p.core.document_check(data, width, height));
        const b = time(() => p.live.look(data, width, height, d.patch.data));
        if (keep) p.t.full.push(a), p.t.live.push(b);
        const st = p.core.live_stages(data, width, height, d.patch.data);
        if (keep && st.length) st.forEach((v, i) => p.stages[i].push(v));
      }
      const c = time(() => laplacianVariance(cv, d.f));
      const e = time(() => opencvPipeline(cv, d.f));
      if (keep) cvt.lap.push(c), cvt.pipe.push(e);
    }
    for (const m of mrz) {
      const { data, width, height } = m.f;
      for (const p of per) {
        let lines = 0;
        const a = time(() => (lines = p.core.mrz_read(data, width, height)));
        if (keep) p.t.mrz.push(a);
        if (lines > 0) p.reads.add(m.name);
      }
    }
    for (const s of selfies) {
      const { data, width, height } = s.f;
      for (const p of per) {
        const side = p.core.live_face_side();
        const step = p.core.live_face_step();
        const a = time(() => p.faces.detect(data, width, height, side, step));
        const b = time(() => p.faces.detect(data, width, height, 640, 4));
        if (keep) p.t.face320.push(a), p.t.face640.push(b);
      }
    }
  }
  return per.map((p) => {
    const r = {
      frames: docs.length,
      selfies: selfies.length,
      passes: PASSES,
      size: `${docs[0].f.width}x${docs[0].f.height}`,
      document_full_ms: median(p.t.full),
      document_live_ms: median(p.t.live),
      opencv_laplacian_ms: median(cvt.lap),
      opencv_pipeline_ms: median(cvt.pipe),
      face_320_ms: median(p.t.face320),
      face_640_ms: median(p.t.face640),
      mrz_1280_ms: median(p.t.mrz),
      mrz_frames: mrz.length,
      mrz_read: p.reads.size,
    };
    r.live_stages_ms = Object.fromEntries(p.names.map((n, i) => [n, median(p.stages[i])]));
    r.ratio_full = r.document_full_ms / r.opencv_laplacian_ms;
    r.ratio_live = r.document_live_ms / r.opencv_laplacian_ms;
    r.ratio_live_pipeline = r.document_live_ms / r.opencv_pipeline_ms;
    r.ratio_face_320 = r.face_320_ms / r.opencv_laplacian_ms;
    r.ratio_mrz_to_live = r.mrz_1280_ms / r.document_live_ms;
    p.faces.free();
    p.live.free();
    return r;
  });
}

async function main() {
  await init();
  await initSimd();
  const { cv } = await opencvReady();
  const model = new Uint8Array(await (await fetch("/models/seeta_fd_frontal_v1.0.bin")).arrayBuffer());
  const [r, simd] = await run([scalarCore, simdCore], cv, model);
  r.simd = simd;
  for (const k of ["document_full_ms", "document_live_ms", "face_320_ms", "face_640_ms", "mrz_1280_ms"]) {
    r[`simd_speedup_${k.replace(/_ms$/, "")}`] = r[k] / simd[k];
  }
  document.getElementById("out").textContent = JSON.stringify(r, null, 2);
  window.benchResult = r;
}

main().catch((e) => {
  document.getElementById("out").textContent = "error: " + e;
  window.benchResult = { error: String(e) };
});
