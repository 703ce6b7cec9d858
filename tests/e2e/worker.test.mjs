// The split between the page and the analysis worker, in the browser:
//  - what the first screen downloads (read from the built dist/: the files
//    index.html loads, brotli and gzip), the worker and the model apart;
//  - the worker is fetched after the first screen, the SIMD build where the
//    engine has SIMD, and Start pressed -> first analysed frame (printed: a
//    timing, never asserted);
//  - a SIMD module that does not load: the scalar one takes over, and the
//    card still shoots itself and passes the still's check;
//  - no worker at all: the shopper is told guidance is unavailable, takes
//    the shot with the shutter, and the still goes as unchecked.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, statSync, existsSync } from "node:fs";
import { join } from "node:path";
import { startServer, launch, clip, openCheckout, at, axe, ROOT, CAPTURE } from "./harness.mjs";

let server;
const browsers = [];
before(async () => {
  server = await startServer();
});
after(async () => {
  for (const b of browsers) await b.close();
  await server?.stop();
});

/** The first screen's ceiling, in bytes, as measured at the split (page
 * module 238 KB brotli). The issue's goal is 150 KB brotli and 180 KB gzip:
 * not met yet (Yew, Fluent and serde_json are most of what is left); this
 * keeps the first screen from growing back while that work goes on. */
const FIRST_SCREEN_MAX = { br: 256_000, gz: 330_000 };

const DIST = join(ROOT, "dist");
const size = (f) => (existsSync(f) ? statSync(f).size : Infinity);

test("the first screen's files, compressed, within the ceiling; the worker and the model not among them", () => {
  const html = readFileSync(join(DIST, "index.html"), "utf8");
  // Everything index.html makes the browser fetch before the app runs:
  // stylesheet, boot script, preloaded glue and wasm.
  const refs = [...html.matchAll(/(?:href|src)="\/([^"]+)"/g)].map((m) => m[1]);
  const files = ["index.html", ...refs];
  assert.ok(refs.some((r) => /^idcapture-[0-9a-f]{16}_bg\.wasm$/.test(r)), `the page's wasm is preloaded: ${refs}`);
  assert.ok(!refs.some((r) => r.includes("analysis") || r.includes("models/")), `nothing of the worker or the model: ${refs}`);
  const meta = html.match(/<meta name="idcapture-analysis" content="\/([^"]+)"/)?.[1];
  assert.match(meta ?? "", /^analysis-[0-9a-f]{16}\.js$/, "the worker's script is named for the page");
  const total = { br: 0, gz: 0 };
  for (const f of files) {
    for (const c of ["br", "gz"]) total[c] += Math.min(size(join(DIST, `${f}.${c}`)), size(join(DIST, f)));
  }
  const worker = readFileSync(join(DIST, meta), "utf8");
  const workerFiles = [...worker.matchAll(/"\/([^"]+)"/g)].map((m) => m[1]);
  const listed = (fs) => fs.map((f) => `${f} ${size(join(DIST, `${f}.br`))}/${size(join(DIST, `${f}.gz`))}`).join(", ");
  console.log(`# first screen: ${total.br} B brotli, ${total.gz} B gzip (goal 150000 / 180000): ${listed(files)}`);
  console.log(`# worker (after the first screen): ${listed([meta, ...workerFiles])}`);
  console.log(`# face model (selfie step): ${listed(["models/seeta_fd_frontal_v1.0.bin"])}`);
  assert.ok(total.br <= FIRST_SCREEN_MAX.br, `first screen ${total.br} B brotli`);
  assert.ok(total.gz <= FIRST_SCREEN_MAX.gz, `first screen ${total.gz} B gzip`);
});

/** A browser on the good card, the checkout open, the capture frame's
 * requests recorded. */
async function open(route) {
  const browser = await launch(clip("doc_good_001.jpg", 30));
  browsers.push(browser);
  const context = await browser.newContext({ viewport: { width: 900, height: 1100 } });
  const requests = [];
  context.on("request", (r) => requests.push(r.url().replace(CAPTURE, "")));
  if (route) await route(context);
  const o = await openCheckout(context, "", { auto: true });
  o.requests = requests;
  o.inner = () => o.page.frames().find((f) => f.url().startsWith(CAPTURE));
  return o;
}

/** Document choice pressed (the camera opens) -> first analysed frame, on
 * the capture frame's clock. */
async function firstFrame(o) {
  await at(o.frame, "choose_document");
  const t0 = await o.inner().evaluate(() => performance.now());
  await o.frame.locator('button[data-document="id_card"]').click();
  await o.frame.locator("video[data-first-at]").waitFor({ timeout: 20000 });
  const t1 = Number(await o.frame.locator("video").getAttribute("data-first-at"));
  return t1 - t0;
}

test("the worker comes after the first screen, SIMD where the engine has it; a good card shoots itself", async () => {
  const o = await open();
  await at(o.frame, "welcome");
  // Asked for only once the first screen has its session (it is drawn
  // from it), when the page is idle: never among the first screen's files.
  const session = o.requests.findIndex((u) => u.startsWith("/api/sessions/"));
  const worker = o.requests.findIndex((u) => u.includes("analysis"));
  assert.ok(session >= 0 && (worker < 0 || worker > session), `worker after the first screen: ${o.requests}`);
  // Prefetched at idle: compiled before Start is pressed.
  const deadline = Date.now() + 10000;
  while (!o.requests.some((u) => /idcapture-analysis-simd-[0-9a-f]{16}_bg\.wasm/.test(u)) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(o.requests.some((u) => /idcapture-analysis-simd-[0-9a-f]{16}_bg\.wasm/.test(u)), `SIMD module fetched at idle: ${o.requests}`);
  assert.ok(!o.requests.some((u) => /idcapture-analysis-[0-9a-f]{16}_bg\.wasm/.test(u)), "not the scalar one too");
  await new Promise((r) => setTimeout(r, 1000));
  await o.frame.getByRole("button", { name: "Commencer" }).click();
  const ms = await firstFrame(o);
  console.log(`# document chosen -> first analysed frame: ${ms.toFixed(0)} ms (worker prefetched; goal under 500)`);
  assert.ok(ms > 0);
  await at(o.frame, "review_front", 20000);
  assert.equal(await o.frame.locator(".reasons").count(), 0, "the still passes the worker's checks");
  assert.equal(await o.frame.locator(".unchecked").count(), 0, "and was checked");
});

test("a SIMD module that does not load: the scalar one takes over", async () => {
  const o = await open((c) => c.route(/idcapture-analysis-simd-[0-9a-f]{16}_bg\.wasm$/, (r) => r.abort()));
  await at(o.frame, "welcome");
  await o.frame.getByRole("button", { name: "Commencer" }).click();
  await firstFrame(o);
  assert.ok(o.requests.some((u) => /idcapture-analysis-[0-9a-f]{16}_bg\.wasm/.test(u)), `scalar module fetched: ${o.requests}`);
  await at(o.frame, "review_front", 20000);
  assert.equal(await o.frame.locator(".reasons").count(), 0);
  assert.equal(await o.frame.locator(".unchecked").count(), 0, "checked by the scalar module");
});

test("no worker: guidance unavailable, the shutter, the still sent unchecked", async () => {
  const o = await open((c) => c.route(/\/analysis-[0-9a-f]{16}\.js(\?.*)?$/, (r) => r.fulfill({ status: 404, body: "" })));
  await at(o.frame, "welcome");
  await o.frame.getByRole("button", { name: "Commencer" }).click();
  await at(o.frame, "choose_document");
  await o.frame.locator('button[data-document="id_card"]').click();
  const note = o.frame.locator('.guidance[data-cue="unavailable"]');
  await note.waitFor({ timeout: 20000 });
  assert.match(await note.textContent(), /cadrez tout le document/);
  assert.deepEqual(await axe(o.page), []);
  // No frame is analysed (with a worker, the good card shoots itself in
  // under 2 s: see the test above).
  await new Promise((r) => setTimeout(r, 2500));
  await at(o.frame, "capture_front");
  assert.equal(await o.frame.locator("video").count(), 1);
  assert.equal(await o.frame.locator("video[data-analysed]").count(), 0);
  await o.frame.locator("button.shutter:not([disabled])").click();
  await at(o.frame, "review_front");
  await o.frame.locator(".unchecked").waitFor();
});
