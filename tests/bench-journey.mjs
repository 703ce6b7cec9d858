// The whole ID-card journey and the selfie in Chromium, as a shopper goes
// through it (the fake camera shows a card's back, 30 frames/s), each
// capture screen's live loop left to run for 5 s (auto-capture off, so the
// rate is the loop's steady one, not its first second's) before the
// shutter. Prints, for the capture frame's main thread,
// every long task (PerformanceObserver `longtask`: tasks over 50 ms) from
// the first screen to Done, stills included; the analysed frames per
// second of each capture screen (the page's own counter, from its first
// analysed frame to its shot); and the document choice -> first analysed
// frame. `node tests/bench-journey.mjs`. Timings are printed, never
// asserted: goals are no long task, >= 20 frames/s on the document loop,
// >= 15 on the selfie's, first frame under 500 ms.
import { startServer, launch, clip, openCheckout, at, CAPTURE } from "./e2e/harness.mjs";

const wait = (ms) => new Promise((r) => setTimeout(r, ms));
const server = await startServer();
const browser = await launch(clip("mrz/mrz_id_card_back_001.jpg", 30));
try {
  const context = await browser.newContext({ viewport: { width: 900, height: 1100 } });
  await context.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__long.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: "longtask", buffered: true });
  });
  const o = await openCheckout(context, "", { auto: false });
  const inner = () => o.page.frames().find((f) => f.url().startsWith(CAPTURE));
  const sample = () =>
    inner().evaluate(() => {
      const v = document.querySelector("video");
      return {
        n: Number(v?.dataset.analysed || 0),
        first: Number(v?.dataset.firstAt || 0),
        t: performance.now(),
        screen: document.querySelector("[data-screen]")?.dataset.screen,
      };
    });
  await at(o.frame, "welcome");
  const t0 = (await sample()).t;
  await wait(1500); // the worker prefetched at idle meanwhile
  const pressed = (await sample()).t;
  await o.frame.getByRole("button", { name: "Commencer" }).click();
  await at(o.frame, "choose_document");
  const chosen = (await sample()).t;
  await o.frame.locator('button[data-document="id_card"]').click();

  /** Samples one capture screen for `ms`, then presses the shutter: its
   * rate from the first analysed frame to the last sample. */
  async function loop(part, ms) {
    await at(o.frame, `capture_${part}`);
    const samples = [];
    const end = Date.now() + ms;
    for (;;) {
      const s = await sample();
      if (s.screen !== `capture_${part}`) break;
      samples.push(s);
      if (Date.now() > end) {
        await o.frame.locator("button.shutter:not([disabled])").click();
        break;
      }
      await wait(100);
    }
    const live = samples.filter((s) => s.n > 0);
    const [a, b] = [live[0], live.at(-1)];
    const fps = a && b && b.t > a.t ? (b.n - a.n) / ((b.t - a.t) / 1000) : 0;
    await at(o.frame, `review_${part}`);
    return { fps, first: a?.first, frames: b?.n ?? 0 };
  }

  const front = await loop("front", 5000);
  console.log(`document chosen -> first analysed frame: ${(front.first - chosen).toFixed(0)} ms (goal under 500)`);
  await o.frame.getByRole("button", { name: /Utiliser/ }).first().click();
  const back = await loop("back", 5000);
  await o.frame.getByRole("button", { name: /Utiliser/ }).first().click();
  const selfie = await loop("selfie", 5000);
  await o.frame.getByRole("button", { name: /Utiliser/ }).first().click();
  await at(o.frame, "done", 30000);
  const t1 = (await sample()).t;
  const long = await inner().evaluate(([a, b]) => window.__long.filter(([s]) => s >= a && s <= b), [t0, t1]);
  console.log(`analysed frames/s: front ${front.fps.toFixed(1)}, back ${back.fps.toFixed(1)} (goal >= 20), selfie ${selfie.fps.toFixed(1)} (goal >= 15)`);
  console.log(
    `long tasks on the capture frame's main thread, first screen to Done (${((t1 - t0) / 1000).toFixed(1)} s): ` +
      `${long.length}${long.length ? ` [start ms, duration ms]: ${JSON.stringify(long)}` : " (goal: none)"}`,
  );
  if (long.length) {
    const at = (t) => Math.round(t - t0);
    console.log(`  (ms after the first screen: Start pressed ${at(pressed)}, document chosen ${at(chosen)}; tasks at ${long.map(([s]) => at(s)).join(", ")})`);
  }
} finally {
  await browser.close();
  await server.stop();
}
