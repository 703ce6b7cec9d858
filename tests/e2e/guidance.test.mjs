// Live guidance and auto-capture, each case on its own fake camera fed from
// a fixture frame at 30 frames per second: the good card shoots itself, the
// blurred one says so and never shoots, a screen recapture asks for the
// original, the selfie with the card asks to remove it, the good selfie
// shoots itself. While the loop runs: frames analysed per second (from the
// page's own counter) and long tasks (PerformanceObserver `longtask` in the
// capture frame). Screenshots of each guidance state.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startServer, launch, clip, openCheckout, at, shot, axe, CAPTURE } from "./harness.mjs";

let server;
const browsers = [];
before(async () => {
  server = await startServer();
});
after(async () => {
  for (const b of browsers) await b.close();
  await server?.stop();
});

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

/** Of the seven good-card kinds, how many must shoot themselves: 5 to 6
 * did in runs on this machine (the thumb's steadiness varies with load);
 * the floor leaves one for a busy CI machine. */
const MIN_GOOD_SHOT = 4;

/** A browser whose camera shows `fixture`, on the demo checkout. */
async function open(fixture, shake) {
  const browser = await launch(clip(fixture, 30, shake));
  browsers.push(browser);
  const context = await browser.newContext({ viewport: { width: 900, height: 1100 } });
  await context.addInitScript(() => {
    window.__long = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries()) window.__long.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  });
  const o = await openCheckout(context, "", { auto: true });
  await o.frame.getByRole("button", { name: "Commencer" }).click();
  o.inner = () => o.page.frames().find((f) => f.url().startsWith(CAPTURE));
  o.close = () => browser.close();
  return o;
}

async function choose(o, document) {
  await at(o.frame, "choose_document");
  await o.frame.locator(`button[data-document="${document}"]`).click();
}

/** The cue shown over the preview (waits until it is `cue`). */
async function cue(o, expected, timeout = 15000) {
  const el = o.frame.locator(`.guidance[data-cue="${expected}"]`);
  try {
    await el.waitFor({ timeout });
  } catch {
    const shown = await o.frame.locator(".guidance").getAttribute("data-cue").catch(() => "(none)");
    throw new Error(`cue ${expected} not shown; showing ${shown}`);
  }
  return (await el.textContent()).trim();
}

/** Live loop figures over `ms`: analysed frames per second, long tasks,
 * the cues seen, and whether the screen changed (a shot). */
async function measure(o, ms) {
  const read = () =>
    o.inner().evaluate(() => ({
      n: Number(document.querySelector("video")?.dataset.analysed || 0),
      now: performance.now(),
      cue: document.querySelector(".guidance")?.dataset.cue,
      screen: document.querySelector("[data-screen]")?.dataset.screen,
    }));
  const a = await read();
  const cues = new Set([a.cue]);
  const screens = new Set([a.screen]);
  for (let t = 0; t < ms; t += 250) {
    await wait(250);
    const r = await read();
    cues.add(r.cue);
    screens.add(r.screen);
  }
  const b = await read();
  const long = await o.inner().evaluate(([from, to]) => window.__long.filter(([s]) => s >= from && s <= to), [a.now, b.now]);
  const fps = (b.n - a.n) / ((b.now - a.now) / 1000);
  return { fps, long, cues: [...cues], screens: [...screens] };
}

/** The loop runs: rates and long tasks are printed, not asserted beyond a
 * floor no healthy build misses on a shared, busy machine (timing goals
 * belong to the benchmark, `scripts/bench`). */
function assertLive(m, label) {
  console.log(`# ${label}: ${m.fps.toFixed(1)} analysed frames/s, long tasks ${JSON.stringify(m.long)}, cues ${m.cues.join(",")}`);
  assert.ok(m.fps >= 1, `${label}: ${m.fps.toFixed(1)} analysed frames per second`);
}

/** Passport data page taken with the shutter (the clip shows a face, or a
 * face and a card held up, not a document on its own), kept anyway, to
 * reach the selfie. */
async function toSelfie(o) {
  await choose(o, "passport");
  await at(o.frame, "capture_front");
  await o.frame.locator(".guidance").waitFor({ timeout: 15000 });
  const shown = await o.frame.locator(".guidance").getAttribute("data-cue");
  await shot(o.page, `guidance-${shown}-passport`);
  await o.frame.locator("button.shutter:not([disabled])").click();
  await at(o.frame, "review_front");
  await o.frame.getByRole("button", { name: "Utiliser quand même" }).click();
  await at(o.frame, "capture_selfie");
}

/** Record every cue the shopper is shown from now on, in order. */
async function recordCues(o) {
  await o.inner().evaluate(() => {
    window.__cues = [];
    const note = () => {
      const c = document.querySelector(".guidance")?.dataset.cue;
      if (c && window.__cues.at(-1) !== c) window.__cues.push(c);
    };
    // The cue already shown counts too (it may not change again before the shot).
    note();
    new MutationObserver(note).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-cue"] });
  });
}

test("a good card is captured with no click and passes the full-resolution check; its front shown for the back is asked to turn over", async () => {
  const o = await open("doc_good_001.jpg");
  await choose(o, "id_card");
  await at(o.frame, "capture_front");
  await recordCues(o);
  const started = Date.now();
  // No click: the card, steady and sharp, shoots itself.
  await at(o.frame, "review_front", 15000);
  console.log(`# good card: captured ${Date.now() - started} ms after the capture screen appeared`);
  const cues = await o.inner().evaluate(() => window.__cues);
  assert.ok(cues.includes("ready"), `the shopper is told to hold still before the shot: ${cues}`);
  assert.equal(await o.frame.locator(".reasons").count(), 0, "the still passes the same checks");
  assert.equal(await o.frame.locator("img.still").getAttribute("data-width"), "1280");
  // The back carries the MRZ: the same front shown again has none, and
  // the shopper is asked to turn the card over; nothing is shot.
  await o.frame.getByRole("button", { name: "Utiliser cette photo" }).click();
  await at(o.frame, "capture_back");
  assert.match(await cue(o, "turn_over", 20000), /Retournez le document/);
  const m = await measure(o, 3000);
  assertLive(m, "front shown for the back");
  assert.deepEqual(m.screens, ["capture_back"], "the front was shot as the back");
  const attempts = await o.inner().evaluate(() => Number(document.querySelector("video").dataset.mrzAttempts || 0));
  assert.ok(attempts >= 2, `the MRZ was looked for (${attempts} attempts)`);
  await o.close();
});

test("good cards of every kind that shoot themselves pass the full-resolution check", async () => {
  // The first good frame of each kind in the shipped quality-v2 subset
  // (picked by rule, see its README): warm light, a thumb on the edge, fine
  // guilloche print, a striped cloth, low JPEG quality, plain, strong tilt.
  const variants = ["001 warm", "002 thumb", "003 fine_guilloche", "004 pattern_bg", "005 jpeg_low", "006 plain", "007 tilt"];
  const shotThemselves = [];
  for (const v of variants) {
    const [n, kind] = v.split(" ");
    const o = await open(`quality-v2/doc_good_${n}.jpg`);
    await choose(o, "id_card");
    await at(o.frame, "capture_front");
    const captured = await o.frame
      .locator('[data-screen="review_front"]')
      .waitFor({ timeout: 20000 })
      .then(() => true)
      .catch(() => false);
    if (captured) {
      shotThemselves.push(kind);
      // The live loop and the still check agree: what shot itself passes.
      const reasons = await o.frame.locator(".reasons").getAttribute("data-reasons").catch(() => null);
      assert.equal(reasons, null, `${kind}: auto-captured, then flagged at full resolution (${reasons})`);
      assert.equal(await o.frame.locator(".unchecked").count(), 0, `${kind}: auto-captured, then left unchecked`);
    } else {
      const cue = await o.frame.locator(".guidance").getAttribute("data-cue").catch(() => "(none)");
      console.log(`# good card ${kind}: not shot in 20 s (cue ${cue}); the shopper has the shutter`);
    }
    await o.close();
  }
  console.log(`# good cards shot by themselves: ${shotThemselves.length}/${variants.length} (${shotThemselves.join(", ")})`);
  assert.ok(shotThemselves.length >= MIN_GOOD_SHOT, `only ${shotThemselves.length} of ${variants.length} good cards shot themselves`);
});

test("a blurred card shows the blur message and never shoots; the loop keeps pace", async () => {
  const o = await open("doc_blur_001.jpg");
  await choose(o, "id_card");
  await at(o.frame, "capture_front");
  const text = await cue(o, "blur");
  assert.match(text, /floue/);
  await shot(o.page, "guidance-blur");
  assert.deepEqual(await axe(o.page), []);
  const m = await measure(o, 6000);
  assertLive(m, "document loop");
  assert.deepEqual(m.screens, ["capture_front"], "never auto-captured");
  assert.ok(m.cues.every((c) => c === "blur"), `only the blur message: ${m.cues}`);
  // Screen readers hear it through the polite live region, once.
  assert.match(await o.frame.locator('[data-testid="guidance-live"]').textContent(), /floue/);
  assert.equal(await o.frame.locator('[data-testid="guidance-live"]').getAttribute("aria-live"), "polite");
  await o.close();
});

test("a good card in a hand that does not hold still says so and is not shot", async () => {
  // The frame moves by up to 100 px (of 1280) between frames: steadiness is
  // measured from the document's place across frames, not assumed.
  const o = await open("doc_good_001.jpg", 100);
  await choose(o, "id_card");
  await at(o.frame, "capture_front");
  assert.equal(await cue(o, "hold_still"), "Ne bougez plus");
  await shot(o.page, "guidance-hold-still");
  const m = await measure(o, 4000);
  assert.deepEqual(m.screens, ["capture_front"], "never auto-captured");
  await o.close();
});

test("a screen recapture is asked for the original document", async () => {
  const o = await open("doc_screen_001.jpg");
  await choose(o, "id_card");
  await at(o.frame, "capture_front");
  const text = await cue(o, "not_original");
  assert.equal(text, "Photographiez le document original, pas un écran ni une photocopie");
  await shot(o.page, "guidance-not-original");
  const m = await measure(o, 4000);
  assert.deepEqual(m.screens, ["capture_front"], "never auto-captured");
  assert.deepEqual(m.cues, ["not_original"]);
  await o.close();
});

test("every other document state has its own message and never shoots", async () => {
  const cases = [
    ["doc_glare_001.jpg", "glare"],
    ["doc_dark_001.jpg", "too_dark"],
    ["doc_small_003.jpg", "move_closer"],
    ["doc_cutoff_001.jpg", "fit_document"],
    ["doc_photocopy_001.jpg", "not_original"],
    // A copy on cream paper under warm light: tinted, but one ink.
    ["doc_photocopy_tinted_001.jpg", "not_original"],
  ];
  for (const [fixture, expected] of cases) {
    const o = await open(fixture);
    await choose(o, "id_card");
    await at(o.frame, "capture_front");
    await cue(o, expected);
    await shot(o.page, `guidance-${expected}-${fixture.replace(/\.\w+$/, "")}`);
    const m = await measure(o, 2000);
    assert.deepEqual(m.screens, ["capture_front"], `${fixture}: never auto-captured`);
    await o.close();
  }
});

test("a selfie with the document in view says remove it and never shoots", async () => {
  const o = await open("selfie_withdoc_000.jpg");
  await toSelfie(o);
  const text = await cue(o, "remove_document", 20000);
  assert.match(text, /Retirez le document/);
  await shot(o.page, "guidance-remove-document");
  const m = await measure(o, 6000);
  assertLive(m, "selfie loop");
  assert.deepEqual(m.screens, ["capture_selfie"], "never auto-captured");
  await o.close();
});

test("a selfie with no face asks for it", async () => {
  const o = await open("selfie_noface_000.jpg");
  await toSelfie(o);
  assert.match(await cue(o, "no_face", 20000), /visage dans l'ovale/);
  await shot(o.page, "guidance-no-face");
  await o.close();
});

test("a good selfie is captured with no click", async () => {
  const o = await open("selfie_good_000.jpg");
  await toSelfie(o);
  await at(o.frame, "review_selfie", 20000);
  assert.equal(await o.frame.locator(".reasons").count(), 0, "the still passes the same checks");
  await o.close();
});

test("a selfie from a landscape webcam is captured as a portrait one is, and passes the review", async () => {
  // 1280x720, the face at arm's length: about a quarter of the frame's width.
  const o = await open("selfie_landscape_000.jpg");
  await toSelfie(o);
  await at(o.frame, "review_selfie", 20000);
  assert.equal(await o.frame.locator(".reasons").count(), 0, "the still passes the same checks");
  await shot(o.page, "guidance-selfie-landscape");
  await o.close();
});
