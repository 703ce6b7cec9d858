// The in-browser benchmark: on the same frames, in the same page, our
// quality core (wasm, built like the app's: release, wasm-opt -Oz) against
// OpenCV.js (npm @techstark/opencv-js) computing only the variance of the
// Laplacian, the usual one-line blur check. Every call is timed with
// performance.now(), copies of the pixels into wasm included on both sides;
// medians over every frame and pass. Results in `window.benchResult`.
import init, { document_check, mrz_read, LiveBench, FaceBench, patch_side, live_face_side, live_face_step, live_stages, stage_names } from "/pkg/idcapture_bench_web.js";

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

function time(f) {
  const t = performance.now();
  f();
  return performance.now() - t;
}

async function main() {
  await init();
  const { cv } = await opencvReady();
  const model = new Uint8Array(await (await fetch("/models/seeta_fd_frontal_v1.0.bin")).arrayBuffer());
  const faces = new FaceBench(model);
  const live = new LiveBench();
  const n = patch_side();

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

  const t = { full: [], live: [], lap: [], face320: [], face640: [], mrz: [] };
  const mrzReads = new Set();
  const names = stage_names();
  const stages = names.map(() => []);
  // One pass to warm up (JIT, wasm tier-up, allocations), not counted.
  for (let pass = 0; pass <= PASSES; pass++) {
    const keep = pass > 0;
    for (const d of docs) {
      const { data, width, height } = d.f;
      const a = time(() => document_check(data, width, height));
      const b = time(() => live.look(data, width, height, d.patch.data));
      const c = time(() => laplacianVariance(cv, d.f));
      if (keep) t.full.push(a), t.live.push(b), t.lap.push(c);
      const st = live_stages(data, width, height, d.patch.data);
      if (keep && st.length) st.forEach((v, i) => stages[i].push(v));
    }
    for (const m of mrz) {
      const { data, width, height } = m.f;
      let lines = 0;
      const a = time(() => (lines = mrz_read(data, width, height)));
      if (keep) t.mrz.push(a);
      if (lines > 0) mrzReads.add(m.name);
    }
    for (const s of selfies) {
      const { data, width, height } = s.f;
      const a = time(() => faces.detect(data, width, height, live_face_side(), live_face_step()));
      const b = time(() => faces.detect(data, width, height, 640, 4));
      if (keep) t.face320.push(a), t.face640.push(b);
    }
  }
  const r = {
    frames: docs.length,
    selfies: selfies.length,
    passes: PASSES,
    size: `${docs[0].f.width}x${docs[0].f.height}`,
    document_full_ms: median(t.full),
    document_live_ms: median(t.live),
    opencv_laplacian_ms: median(t.lap),
    face_320_ms: median(t.face320),
    face_640_ms: median(t.face640),
    mrz_1280_ms: median(t.mrz),
    mrz_frames: mrz.length,
    mrz_read: mrzReads.size,
  };
  r.live_stages_ms = Object.fromEntries(names.map((n, i) => [n, median(stages[i])]));
  r.ratio_full = r.document_full_ms / r.opencv_laplacian_ms;
  r.ratio_live = r.document_live_ms / r.opencv_laplacian_ms;
  r.ratio_face_320 = r.face_320_ms / r.opencv_laplacian_ms;
  r.ratio_mrz_to_live = r.mrz_1280_ms / r.document_live_ms;
  document.getElementById("out").textContent = JSON.stringify(r, null, 2);
  window.benchResult = r;
}

main().catch((e) => {
  document.getElementById("out").textContent = "error: " + e;
  window.benchResult = { error: String(e) };
});
