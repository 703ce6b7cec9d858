// The journeys that matter, in every engine a shopper uses: Chromium,
// Firefox ESR (Gecko) and WebKitGTK (WebKit and JavaScriptCore, the engine
// of every iPhone browser; not Apple's media stack). One piece of test code
// (./engines/drivers.mjs gives each engine the same verbs), one fake camera
// (./engines/fakecam.js: the fixture frames through canvas.captureStream,
// served into the capture pages by ./engines/proxy.mjs). Chromium's
// own y4m camera stays with the other suites.
//
// In each engine: the ID card journey (front and back shoot themselves from
// a good card, the selfie from a good face; three parts stored; the host's
// events in order), the passport journey, a blurred card and a screen
// recapture (their guidance, never shot), the camera refused (its message,
// the browser's own instructions, the retry that works). axe on every
// screen; screenshots under target/e2e-screens/<engine>/.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { startServer, readSession, DEMO, CAPTURE, CAPTURE_PORT, UPSTREAM_PORT, WEBDRIVER_PORT, SCREENS } from "./harness.mjs";
import { startProxy } from "./engines/proxy.mjs";
import { shopper, installed } from "./engines/drivers.mjs";

const ROOT = new URL("../..", import.meta.url).pathname;
// E2E_ENGINES=firefox,webkit narrows a run; CI runs all three.
const ENGINES = (process.env.E2E_ENGINES || "chromium,firefox,webkit").split(",");

let server;
let proxy;
before(async () => {
  server = await startServer({ captureAddr: `127.0.0.1:${UPSTREAM_PORT}` });
  proxy = await startProxy({
    listen: { host: "127.0.0.1", port: CAPTURE_PORT },
    target: { host: "127.0.0.1", port: UPSTREAM_PORT },
    fixtures: join(ROOT, "tests/fixtures"),
  });
});
after(async () => {
  await proxy?.close();
  await server?.stop();
});

const CARD = "doc_good_001.jpg";
const SELFIE = "selfie_good_000.jpg";
// The sides that carry the MRZ: shot only once it is read (issue 15).
const CARD_BACK = "mrz/mrz_id_card_back_003.jpg";
const PASSPORT = "mrz/mrz_passport_front_027.jpg";

async function withShopper(engine, fn) {
  assert.ok(installed(engine), `${engine} is not installed (scripts/setup installs it)`);
  const s = await shopper(engine, join(SCREENS, engine), WEBDRIVER_PORT);
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

/** Screenshot and axe on the screen shown now. */
async function look(s, name, violations) {
  await s.shot(name);
  violations.push(...(await s.axe()).map((v) => `${name}: ${v}`));
}

async function journey(s, document, parts) {
  const violations = [];
  await s.open(DEMO, document === "passport" ? PASSPORT : CARD);
  await look(s, `${document}-welcome`, violations);
  await s.click(".welcome .actions button.primary");
  await s.waitScreen("choose_document");
  await look(s, `${document}-choose`, violations);
  await s.click(`button[data-document="${document}"]`);
  for (const [i, part] of parts.entries()) {
    // The good card and the good face shoot themselves: no click.
    await s.waitScreen(`capture_${part}`);
    await s.until(async () => (await s.cue()) !== null, `a cue on capture_${part}`);
    await look(s, `${document}-capture-${part}`, violations);
    await s.waitScreen(`review_${part}`, 45000);
    await look(s, `${document}-review-${part}`, violations);
    // What shot itself passes the full-resolution check, in this engine too.
    const reasons = await s.attr(".reasons", "data-reasons");
    if (reasons !== null) {
      // What the still holds, to tell a wrong verdict from a wrong frame.
      const mean = await s.inFrameAsync(`const i = document.querySelector("img.still"); await i.decode();
        const c = document.createElement("canvas"); c.width = 64; c.height = 36; const g = c.getContext("2d"); g.drawImage(i, 0, 0, 64, 36);
        const d = g.getImageData(0, 0, 64, 36).data; let m = 0; for (let k = 0; k < d.length; k += 4) m += d[k + 1]; return m / (d.length / 4);`);
      await s.shot(`${document}-flagged-${part}`);
      assert.fail(`${s.engine} ${part}: flagged after auto-capture (${reasons}); the still's mean green ${mean}`);
    }
    assert.equal(await s.count(".unchecked"), 0, `${s.engine} ${part}: left unchecked`);
    // The camera opens as the next screen shows: its picture first.
    if (parts[i + 1] === "selfie") await s.picture(SELFIE);
    if (parts[i + 1] === "back") await s.picture(CARD_BACK);
    await s.clickButton("Utiliser cette photo");
  }
  await s.waitScreen("done", 30000);
  await look(s, `${document}-done`, violations);

  const session = await readSession(s.session.id, s.session.token);
  assert.equal(session.status, "completed");
  const apiName = { front: "document_front", back: "document_back", selfie: "selfie" };
  assert.deepEqual(session.parts.map((p) => p.part).sort(), parts.map((p) => apiName[p]).sort());
  const types = await s.events();
  assert.equal(types[0], "ready", `${s.engine} events: ${types}`);
  assert.equal(types.filter((t) => t === "part_uploaded").length, parts.length, `${s.engine} events: ${types}`);
  assert.equal(types.at(-1), "completed", `${s.engine} events: ${types}`);
  // Only the two loopback origins.
  for (const u of await s.requests()) {
    assert.ok(u.startsWith(DEMO + "/") || u.startsWith(CAPTURE + "/") || /^(blob|data|about):/.test(u), `${s.engine}: unexpected request ${u}`);
  }
  assert.deepEqual(violations, [], `${s.engine} axe`);
}

/** A frame that must show `cue` and never be shot. */
async function guidance(s, picture, cue, name) {
  await s.open(DEMO, picture);
  await s.click(".welcome .actions button.primary");
  await s.click('button[data-document="id_card"]');
  await s.waitScreen("capture_front");
  await s.until(async () => (await s.cue()) === cue, `cue ${cue}`, 30000);
  await s.shot(name);
  assert.deepEqual(await s.axe(), [], `${s.engine} axe on ${name}`);
  const seen = new Set();
  const end = Date.now() + 5000;
  while (Date.now() < end) {
    const screen = await s.screen();
    assert.equal(screen, "capture_front", `${s.engine}: ${picture} was shot`);
    seen.add(await s.cue());
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.deepEqual([...seen], [cue], `${s.engine}: only ${cue}`);
}

for (const engine of ENGINES) {
  test(`${engine}: ID card, front and back shoot themselves, then the selfie; three parts stored`, () =>
    withShopper(engine, (s) => journey(s, "id_card", ["front", "back", "selfie"])));

  test(`${engine}: passport, data page and selfie`, () => withShopper(engine, (s) => journey(s, "passport", ["front", "selfie"])));

  test(`${engine}: a blurred card says so and is never shot`, () =>
    withShopper(engine, (s) => guidance(s, "doc_blur_001.jpg", "blur", "guidance-blur")));

  test(`${engine}: a screen recapture is asked for the original and never shot`, () =>
    withShopper(engine, (s) => guidance(s, "doc_screen_001.jpg", "not_original", "guidance-not-original")));

  test(`${engine}: the camera refused says how to allow it, and the retry works`, () =>
    withShopper(engine, async (s) => {
      await s.open(DEMO, CARD, "?auto=0");
      await s.deny("NotAllowedError");
      await s.click(".welcome .actions button.primary");
      await s.click('button[data-document="id_card"]');
      await s.until(() => s.count('.camera-error[data-error="camera_denied"]'), "the camera_denied message");
      assert.match(await s.text(".camera-error"), /refusé/);
      const help = await s.text('[data-testid="denied-help"]');
      assert.match(help, { chromium: /Chrome ou Edge/, firefox: /Sur Firefox/, webkit: /Sur Safari/ }[engine], `${engine} help: ${help}`);
      await s.shot("camera-denied");
      assert.deepEqual(await s.axe(), [], `${engine} axe on camera-denied`);
      // The shopper allows it and retries: the camera runs.
      await s.deny(null);
      await s.click(".camera-error button.primary");
      await s.until(() => s.count("button.shutter:not([disabled])"), "the shutter after the retry");
      assert.equal(await s.count(".camera-error"), 0);
    }));
}

// The MRZ read on the device (issue 15), in Chromium (the WebKit and
// Firefox journeys above read it too, on the back and the passport page):
// an expired card's back, a minor's passport and the front shown for the
// back, each on its own picture, each to its screen and its host event.

/** The host's `document_refused` events' reasons. */
function refusals(s) {
  return s.inTop(`return (window.idcaptureEvents || []).filter((e) => e.type === "document_refused").map((e) => e.reason)`);
}

async function start(s, picture, document) {
  await s.open(DEMO, picture);
  await s.click(".welcome .actions button.primary");
  await s.waitScreen("choose_document");
  await s.click(`button[data-document="${document}"]`);
}

test("chromium: an expired identity card's back stops on its own screen, with its date and the host told", () =>
  withShopper("chromium", async (s) => {
    await start(s, "mrz/mrz_id_card_front_001.jpg", "id_card");
    await s.waitScreen("review_front", 45000);
    await s.picture("mrz/mrz_id_card_back_004.jpg");
    await s.clickButton("Utiliser cette photo");
    await s.waitScreen("capture_back");
    // Read, agreed on over frames, shot by itself, then its own screen.
    await s.waitScreen("document_expired", 45000);
    assert.equal(await s.attr("[data-expiry]", "data-expiry"), "2021-05-06");
    assert.match(await s.text(".refused .date"), /06\/05\/2021/);
    assert.deepEqual(await refusals(s), ["expired"]);
    // The front was kept and sent; the expired back never is.
    const session = await readSession(s.session.id, s.session.token);
    assert.ok(!session.parts.some((p) => p.part === "document_back"), `stored: ${JSON.stringify(session.parts)}`);
    await s.shot("mrz-document-expired");
    assert.deepEqual(await s.axe(), [], "axe on the expired-document screen");
    // Another document: the choice again.
    await s.clickButton("Utiliser un autre document");
    await s.waitScreen("choose_document");
  }));

test("chromium: a minor's passport stops on its own screen, and the host is told", () =>
  withShopper("chromium", async (s) => {
    await start(s, "mrz/mrz_passport_front_029.jpg", "passport");
    await s.waitScreen("holder_minor", 45000);
    assert.deepEqual(await refusals(s), ["minor"]);
    assert.equal(await s.count("[data-expiry]"), 0, "no date on the minor's screen");
    await s.shot("mrz-holder-minor");
    assert.deepEqual(await s.axe(), [], "axe on the minor's screen");
    const session = await readSession(s.session.id, s.session.token);
    assert.deepEqual(session.parts, [], "nothing of a minor's document is stored");
  }));

test("chromium: the front shown when the back is asked gets \"turn the document over\", never a shot", () =>
  withShopper("chromium", async (s) => {
    await start(s, "mrz/mrz_id_card_front_001.jpg", "id_card");
    await s.waitScreen("review_front", 45000);
    await s.clickButton("Utiliser cette photo");
    await s.waitScreen("capture_back");
    await s.until(async () => (await s.cue()) === "turn_over", "cue turn_over", 30000);
    assert.match(await s.text(".guidance"), /Retournez le document/);
    await s.shot("mrz-turn-over");
    assert.deepEqual(await s.axe(), [], "axe on turn_over");
    const end = Date.now() + 4000;
    while (Date.now() < end) {
      assert.equal(await s.screen(), "capture_back", "the front was shot as the back");
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepEqual(await refusals(s), []);
  }));
