// The live loop in each engine (Chromium, Firefox ESR, WebKitGTK), on the
// real capture app behind the e2e's fake camera (tests/e2e/engines/): the
// document loop on a good card and the selfie loop on a good face, each for
// `seconds`, auto-capture off (the merchant's `auto=0`) so the loop runs on.
// Prints analysed frames per second (the page's own counter), the median
// analysis time, and the main thread's long tasks: PerformanceObserver
// `longtask` where the engine has it (Chromium), elsewhere the gaps over
// 50 ms in a 10-ms timer chain (the same stalls, seen from the event loop).
// `node tests/bench-engines.mjs [seconds] [engines]`. Timings are printed,
// never asserted: a shared machine halves any rate.
import { join } from "node:path";
import { startServer, DEMO, CAPTURE_PORT, UPSTREAM_PORT, WEBDRIVER_PORT, SCREENS } from "./e2e/harness.mjs";
import { startProxy } from "./e2e/engines/proxy.mjs";
import { shopper, installed } from "./e2e/engines/drivers.mjs";

const seconds = Number(process.argv[2] || 8);
const engines = (process.argv[3] || "chromium,firefox,webkit").split(",");
const ROOT = new URL("..", import.meta.url).pathname;

const WATCH = `
  if (!window.__bench) {
    const b = (window.__bench = { long: [], lags: [] });
    try {
      new PerformanceObserver((l) => l.getEntries().forEach((e) => b.long.push(Math.round(e.duration)))).observe({ type: "longtask", buffered: false });
      b.observer = true;
    } catch { b.observer = false; }
    let last = performance.now();
    const tick = () => { const now = performance.now(); if (now - last > 60) b.lags.push(Math.round(now - last - 10)); last = now; setTimeout(tick, 10); };
    setTimeout(tick, 10);
  }
  window.__bench.long.length = 0; window.__bench.lags.length = 0;`;

const SAMPLE = `const v = document.querySelector("video");
  return { analysed: Number(v?.dataset.analysed || 0), ms: Number(v?.dataset.ms || 0), t: performance.now() };`;

async function measure(s, label) {
  await s.until(async () => (await s.inFrame(SAMPLE)).analysed > 3, `${label}: frames analysed`, 30000);
  await s.inFrame(WATCH);
  const a = await s.inFrame(SAMPLE);
  const ms = [];
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 250));
    ms.push((await s.inFrame(SAMPLE)).ms);
  }
  const b = await s.inFrame(SAMPLE);
  // Frames the engine presents to the page (requestVideoFrameCallback):
  // the loop cannot analyse more than these.
  const presented = await s.inFrameAsync(`const v = document.querySelector("video");
    if (!v.requestVideoFrameCallback) return null;
    let n = 0; const t0 = performance.now();
    const cb = () => { n++; if (performance.now() - t0 < 2000) v.requestVideoFrameCallback(cb); };
    v.requestVideoFrameCallback(cb);
    await new Promise((r) => setTimeout(r, 2000));
    return n / 2;`);
  const w = await s.inFrame(`return { long: window.__bench.long, lags: window.__bench.lags, observer: window.__bench.observer }`);
  ms.sort((x, y) => x - y);
  const fps = ((b.analysed - a.analysed) * 1000) / (b.t - a.t);
  const stalls = w.observer ? w.long : w.lags;
  const worst = stalls.length ? Math.max(...stalls) : 0;
  console.log(
    `${s.engine.padEnd(9)} ${label.padEnd(9)} ${fps.toFixed(1).padStart(5)} analysed/s (${presented === null ? "no rVFC" : presented.toFixed(0) + " presented/s"})  median ${ms[ms.length >> 1].toFixed(0).padStart(3)} ms/frame  ` +
      `${stalls.length} ${w.observer ? "long tasks" : "stalls >50 ms"} (worst ${worst} ms)`,
  );
}

const server = await startServer({ captureAddr: `127.0.0.1:${UPSTREAM_PORT}` });
const proxy = await startProxy({
  listen: { host: "127.0.0.1", port: CAPTURE_PORT },
  target: { host: "127.0.0.1", port: UPSTREAM_PORT },
  fixtures: join(ROOT, "tests/fixtures"),
});
try {
  for (const engine of engines) {
    if (!installed(engine)) {
      console.log(`${engine}: not installed (scripts/setup installs it)`);
      continue;
    }
    let s = null;
    try {
      s = await shopper(engine, join(SCREENS, "bench", engine), WEBDRIVER_PORT);
      await s.open(DEMO, "doc_good_001.jpg", "?auto=0");
      await s.click(".welcome .actions button.primary");
      await s.click('button[data-document="passport"]');
      await s.waitScreen("capture_front");
      await measure(s, "document");
      await s.clickButton("Prendre la photo");
      await s.waitScreen("review_front", 30000);
      await s.picture("selfie_good_000.jpg");
      await s.clickButton("Utiliser cette photo");
      await s.waitScreen("capture_selfie");
      await measure(s, "selfie");
    } catch (e) {
      console.log(`${engine}: ${String(e).slice(0, 300)}`);
    } finally {
      await s?.close();
    }
  }
} finally {
  await proxy.close();
  await server.stop();
}
