// Runs the in-browser benchmark page (bench/) in Debian's Chromium, headless,
// and prints its medians and ratios. Serves the page, the benchmark's wasm
// (target/bench-web/pkg, built by scripts/bench), OpenCV.js from npm, the
// fixture frames and the face model from a throw-away local server.
// `node tests/bench.mjs [passes]`. Timings are printed, never asserted.
import { createServer } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import { join, extname, normalize } from "node:path";
import { launch, ROOT } from "./e2e/harness.mjs";

const passes = Number(process.argv[2] || 10);
const routes = [
  ["/pkg/", join(ROOT, "target/bench-web/pkg")],
  ["/pkg-simd/", join(ROOT, "target/bench-web/pkg-simd")],
  ["/fixtures/", join(ROOT, "tests/fixtures")],
  ["/models/", join(ROOT, "static/models")],
];
const files = {
  "/": join(ROOT, "bench/index.html"),
  "/bench.js": join(ROOT, "bench/bench.js"),
  "/opencv.js": join(ROOT, "node_modules/@techstark/opencv-js/dist/opencv.js"),
};
const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".jpg": "image/jpeg", ".png": "image/png" };

const server = createServer(async (req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  let file = files[path];
  for (const [prefix, dir] of routes) {
    if (!file && path.startsWith(prefix)) {
      const rel = normalize(path.slice(prefix.length));
      if (!rel.startsWith("..")) file = join(dir, rel);
    }
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const url = `http://127.0.0.1:${server.address().port}/?passes=${passes}`;

const browser = await launch(null);
try {
  const page = await browser.newPage();
  page.on("pageerror", (e) => console.error("page error:", e.message));
  page.on("console", (m) => m.type() === "error" && console.error("console:", m.text()));
  await page.goto(url);
  await page.waitForFunction(() => window.benchResult, null, { timeout: 900000, polling: 500 });
  const r = await page.evaluate(() => window.benchResult);
  if (r.error) throw new Error(r.error);
  await writeFile(join(ROOT, "target/bench-web/result.json"), JSON.stringify(r, null, 2));
  const ms = (v) => v.toFixed(2).padStart(7) + " ms";
  console.log(`in-browser benchmark, headless Chromium, ${r.frames} document frames at ${r.size} (+ ${r.selfies} selfies), ${r.passes} passes, medians:`);
  const s = r.simd;
  const x = (v) => v.toFixed(2) + "x";
  console.log(`                                                    scalar      SIMD   SIMD speed-up`);
  console.log(`  full document check (every check, still mode)   ${ms(r.document_full_ms)} ${ms(s.document_full_ms)}   ${x(r.simd_speedup_document_full)}`);
  console.log(`  live document check (the capture loop's)        ${ms(r.document_live_ms)} ${ms(s.document_live_ms)}   ${x(r.simd_speedup_document_live)}`);
  console.log(`  OpenCV.js pipeline (Canny, findContours, approxPolyDP, Laplacian variance, highlights)  ${ms(r.opencv_pipeline_ms)}`);
  console.log(`  live check / OpenCV.js pipeline: scalar ${x(r.ratio_live_pipeline)}, SIMD ${x(s.document_live_ms / r.opencv_pipeline_ms)} (goal at most 1.0x)`);
  console.log(`  OpenCV.js variance of the Laplacian only        ${ms(r.opencv_laplacian_ms)}   live check / it = ${r.ratio_live.toFixed(2)}`);
  console.log(`  face detection at 320 px, step 6 (live)        ${ms(r.face_320_ms)}   / OpenCV.js Laplacian = ${r.ratio_face_320.toFixed(2)}`);
  console.log(`  face detection at 640 px, step 4 (stills)      ${ms(r.face_640_ms)} ${ms(s.face_640_ms)}   ${x(r.simd_speedup_face_640)}`);
  console.log(`  MRZ read at 1280 px (${r.mrz_read}/${r.mrz_frames} frames read)        ${ms(r.mrz_1280_ms)} ${ms(s.mrz_1280_ms)}   ${x(r.simd_speedup_mrz_1280)}   / live document check = ${r.ratio_mrz_to_live.toFixed(2)}`);
  console.log(`  where the live document check's time goes (median per stage, frames with a document):`);
  console.log(`    ${"".padEnd(12)}    scalar       SIMD`);
  for (const [name, v] of Object.entries(r.live_stages_ms)) {
    console.log(`    ${name.padEnd(12)} ${ms(v)}   ${ms(r.simd.live_stages_ms[name])}`);
  }
} finally {
  await browser.close();
  server.close();
}
