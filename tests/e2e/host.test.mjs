// The merchant's side: events in order, messages only to the parent origin,
// foreign messages ignored, cancel from the host, an embed without the
// camera permission explained, and the hand-off to a phone by QR code.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { createHash } from "node:crypto";
import { devices } from "playwright-core";
import { suite, openCheckout as open, at, shot, axe, readSession, ROOT, DEMO, DEMO2, CAPTURE } from "./harness.mjs";

// The camera shows an identity card's back: its MRZ reads, so the phone's
// back shoots itself (and a front, or a passport page shot with the
// shutter, takes it too).
const env = suite({ fixture: "mrz/mrz_id_card_back_001.jpg", noCamera: true });

/** Record the target origin of every postMessage the capture frame makes. */
async function instrument(context) {
  await context.addInitScript(() => {
    if (window.top === window) return;
    const real = window.parent;
    const calls = [];
    window.__postTargets = calls;
    const proxy = {
      postMessage: (m, o) => {
        calls.push(o);
        real.postMessage(m, o);
      },
    };
    Object.defineProperty(window, "parent", { get: () => proxy, configurable: true });
  });
}

async function capture(frame, part) {
  await at(frame, `capture_${part}`);
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  await frame.getByRole("button", { name: "Prendre la photo" }).click();
  await at(frame, `review_${part}`);
  await frame.getByRole("button", { name: /^Utiliser (cette photo|quand même)$/ }).click();
}

test("events in order, only to the parent origin; foreign messages change nothing", async () => {
  const context = await env.browser.newContext();
  await instrument(context);
  const { page, frame, id, token } = await open(context);
  await at(frame, "welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('button[data-document="passport"]').click();
  await at(frame, "capture_front");

  // A foreign origin, and the parent with a malformed envelope: ignored.
  // The capture counts each message it ignores in its debug log; that it
  // counted all three is the proof they were handled (not merely not yet).
  const ignored = [];
  page.on("console", (m) => {
    const n = /idcapture: ignored message #(\d+)/.exec(m.text());
    if (n) ignored.push(Number(n[1]));
  });
  const captureFrame = page.frames().find((f) => f.url().startsWith(CAPTURE));
  await captureFrame.evaluate(() => {
    const cancel = { source: "merchant", version: 1, type: "cancel" };
    window.dispatchEvent(new MessageEvent("message", { data: cancel, origin: "https://evil.example" }));
    window.dispatchEvent(new MessageEvent("message", { data: cancel, origin: "null" }));
  });
  await page.evaluate(() => document.querySelector("iframe").contentWindow.postMessage({ type: "cancel" }, "*"));
  for (let i = 0; i < 100 && ignored.length < 3; i++) await page.waitForTimeout(50);
  assert.deepEqual(ignored, [1, 2, 3], "three messages handled and ignored");
  assert.equal(await frame.locator('[data-screen="capture_front"]').count(), 1, "still capturing");
  assert.equal((await readSession(id, token)).status, "open");

  await capture(frame, "front");
  await capture(frame, "selfie");
  await at(frame, "done");
  const events = await page.evaluate(() => window.idcaptureEvents);
  const types = events.map((e) => e.type);
  assert.equal(types[0], "ready");
  assert.equal(types.at(-1), "completed");
  assert.deepEqual(
    events.filter((e) => e.type === "step").map((e) => e.step),
    ["welcome", "choose_document", "capture_front", "review_front", "capture_selfie", "review_selfie", "sending", "done"],
  );
  assert.deepEqual(events.filter((e) => e.type === "part_uploaded").map((e) => e.part), ["document_front", "selfie"]);
  for (const e of events) assert.deepEqual([e.source, e.version], ["idcapture", 1]);
  const targets = await captureFrame.evaluate(() => window.__postTargets);
  assert.ok(targets.length >= events.length, `every message went through the instrumented postMessage (${targets.length})`);
  assert.deepEqual([...new Set(targets)], [DEMO], "postMessage only to the parent origin, never *");
  await context.close();
});

test("the host can cancel; the capture says so", async () => {
  const context = await env.browser.newContext();
  const { page, frame, id, token } = await open(context);
  await at(frame, "welcome");
  await page.evaluate(() => window.idcapture.cancel());
  await at(frame, "cancelled");
  assert.equal((await readSession(id, token)).status, "cancelled");
  const types = await page.evaluate(() => window.idcaptureEvents.map((e) => e.type));
  assert.ok(types.includes("cancelled"));
  await context.close();
});

test("an embed without the camera permission is explained, with an error code", async () => {
  const context = await env.browser.newContext();
  const { page, frame } = await open(context, "?nocamera");
  assert.equal(await page.locator("iframe").getAttribute("allow"), "fullscreen");
  await at(frame, "welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('button[data-document="id_card"]').click();
  await at(frame, "handoff");
  const reason = await frame.locator('[data-testid="handoff-reason"]').textContent();
  assert.match(reason, /n'autorise pas l'accès à la caméra/);
  const codes = await page.evaluate(() => window.idcaptureEvents.filter((e) => e.type === "error").map((e) => e.code));
  assert.deepEqual(codes, ["camera_blocked_by_embedder"]);
  await shot(page, "host-no-camera-permission");
  assert.deepEqual(await axe(page), []);
  await context.close();
});

test("no camera on the desktop: QR code to the phone, which finishes; the desktop follows", async () => {
  const desktop = await env.noCamBrowser.newContext({ viewport: { width: 1200, height: 1000 } });
  const { page, frame, id, token } = await open(desktop, "", { auto: true });
  await at(frame, "welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('button[data-document="id_card"]').click();
  await at(frame, "handoff");
  const codes = await page.evaluate(() => window.idcaptureEvents.filter((e) => e.type === "error").map((e) => e.code));
  assert.deepEqual(codes, ["camera_not_found"]);
  await shot(page, "host-handoff");
  assert.deepEqual(await axe(page), []);

  // Decode the QR code from its pixels with jsQR.
  const png = await frame.locator('[data-testid="handoff-qr"]').screenshot();
  const scratch = await (await env.noCamBrowser.newContext()).newPage();
  await scratch.setContent("<canvas id=c></canvas>");
  await scratch.addScriptTag({ path: resolve(ROOT, "node_modules/jsqr/dist/jsQR.js") });
  const decoded = await scratch.evaluate(async (b64) => {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const c = document.getElementById("c");
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const d = ctx.getImageData(0, 0, c.width, c.height);
    return window.jsQR(d.data, d.width, d.height)?.data ?? null;
  }, png.toString("base64"));
  assert.equal(decoded, `${CAPTURE}/#session=${id}&token=${token}&lang=fr`);
  assert.equal(await frame.locator('[data-testid="handoff-link"]').inputValue(), decoded);

  // The phone: touch, small screen, a camera.
  const phone = await env.browser.newContext({ ...devices["Pixel 5"] });
  const mobile = await phone.newPage();
  await mobile.goto(decoded);
  await mobile.locator('[data-screen="capture_front"]').waitFor({ timeout: 20000 });
  for (const part of ["front", "back", "selfie"]) {
    await mobile.locator(`[data-screen="capture_${part}"]`).waitFor({ timeout: 20000 });
    if (part === "selfie") {
      // Shown the card, the selfie never shoots itself; on a phone the
      // shutter appears after a while (MANUAL_AFTER_MS), not at once.
      assert.equal(await mobile.locator("button.shutter").count(), 0, "no shutter at first on a phone");
      await mobile.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
      await mobile.getByRole("button", { name: "Prendre la photo" }).tap();
    }
    // The document sides: captured by themselves, no tap.
    await mobile.locator(`[data-screen="review_${part}"]`).waitFor({ timeout: 20000 });
    await mobile.getByRole("button", { name: /^Utiliser (cette photo|quand même)$/ }).tap();
  }
  await mobile.locator('[data-screen="done"]').waitFor({ timeout: 20000 });
  await shot(mobile, "phone-done");

  // The desktop follows and finishes; the host hears `completed`.
  await at(frame, "done", 15000);
  const types = await page.evaluate(() => window.idcaptureEvents.map((e) => e.type));
  assert.equal(types.at(-1), "completed");
  assert.equal((await readSession(id, token)).status, "completed");
  await phone.close();
  await desktop.close();
});

test("the phone finishes while the desktop's uploads keep failing: the desktop follows, no error", async () => {
  const desktop = await env.browser.newContext();
  let blocked = true;
  let desktopPuts = 0;
  await desktop.route(/\/api\/sessions\/[0-9a-f]+\/parts\//, (route) => {
    if (route.request().method() !== "PUT") return route.continue();
    desktopPuts += 1;
    return blocked ? route.abort("connectionreset") : route.continue();
  });
  const { page, frame, id, token } = await open(desktop);
  await at(frame, "welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('button[data-document="id_card"]').click();
  for (const part of ["front", "back", "selfie"]) {
    await at(frame, `capture_${part}`);
    await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
    await frame.getByRole("button", { name: "Prendre la photo" }).click();
    await at(frame, `review_${part}`);
    await frame.getByRole("button", { name: /^Utiliser (cette photo|quand même)$/ }).click();
  }
  await at(frame, "sending");
  for (let i = 0; i < 100 && desktopPuts < 3; i++) await page.waitForTimeout(100);
  assert.ok(desktopPuts >= 3, `the desktop tried every part (${desktopPuts} PUTs)`);

  // The shopper takes it all again on the phone, which finishes.
  const phone = await env.browser.newContext({ ...devices["Pixel 5"] });
  const sent = new Map();
  await phone.route(/\/api\/sessions\/[0-9a-f]+\/parts\//, (route) => {
    const req = route.request();
    if (req.method() === "PUT") sent.set(req.url().split("/").pop(), createHash("sha256").update(req.postDataBuffer()).digest("hex"));
    return route.continue();
  });
  const mobile = await phone.newPage();
  await mobile.goto(`${CAPTURE}/#session=${id}&token=${token}&lang=fr&auto=0`);
  for (const part of ["front", "back", "selfie"]) {
    await mobile.locator(`[data-screen="capture_${part}"]`).waitFor({ timeout: 20000 });
    await mobile.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
    await mobile.getByRole("button", { name: "Prendre la photo" }).tap();
    await mobile.locator(`[data-screen="review_${part}"]`).waitFor({ timeout: 20000 });
    await mobile.getByRole("button", { name: /^Utiliser (cette photo|quand même)$/ }).tap();
  }
  await mobile.locator('[data-screen="done"]').waitFor({ timeout: 20000 });

  // The desktop's network comes back: its next try meets a completed
  // session, and it follows instead of failing or overwriting.
  blocked = false;
  await at(frame, "done", 60000);
  const events = await page.evaluate(() => window.idcaptureEvents);
  const types = events.map((e) => e.type);
  assert.ok(!types.includes("error"), `no error: ${types}`);
  assert.equal(types.at(-1), "completed");
  assert.equal(types.filter((t) => t === "completed").length, 1);
  const s = await readSession(id, token);
  assert.equal(s.status, "completed");
  assert.equal(s.parts.length, 3);
  for (const p of s.parts) assert.equal(p.sha256, sent.get(p.part), `${p.part}: the phone's bytes, stored once`);
  await phone.close();
  await desktop.close();
});

test("the token is in no attribute of the checkout page and in no request URL", async () => {
  const context = await env.browser.newContext();
  const urls = [];
  context.on("request", (r) => urls.push(r.url()));
  const { page, frame, id, token, src } = await open(context);
  await at(frame, "welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('button[data-document="id_card"]').click();
  await at(frame, "capture_front");
  assert.ok(src.includes(id) && !src.includes(token), `the iframe's URL names the session only: ${src}`);
  // Every attribute of every element of the checkout page, and its markup.
  const attrs = await page.evaluate(() =>
    [...document.querySelectorAll("*")].flatMap((el) => [...el.attributes].map((a) => `${el.tagName}[${a.name}]=${a.value}`)),
  );
  assert.ok(attrs.some((a) => a.startsWith("IFRAME[src]=")), "the iframe's attributes were read");
  assert.deepEqual(attrs.filter((a) => a.includes(token)), []);
  assert.ok(!(await page.content()).includes(token), "nor anywhere in the page's markup");
  assert.ok(urls.some((u) => u.endsWith(`/api/sessions/${id}`)), "the capture read its session (with the token handed over)");
  assert.deepEqual(urls.filter((u) => u.includes(token)), [], "no request URL carries the token");
  await context.close();
});

test("a second merchant's checkout works, and cannot show the first merchant's session", async () => {
  const context = await env.browser.newContext();
  const first = await open(context);
  await at(first.frame, "welcome");
  const second = await open(context, "", { demo: DEMO2 });
  assert.ok(second.src.startsWith(`${CAPTURE}/m/demo2/`), second.src);
  await at(second.frame, "welcome");
  await second.frame.getByRole("button", { name: "Commencer" }).click();
  await at(second.frame, "choose_document");
  const s2 = await readSession(second.id, second.token);
  assert.deepEqual([s2.parent_origin, s2.merchant], [DEMO2, "demo2"]);
  const events = await second.page.evaluate(() => window.idcaptureEvents.map((e) => e.type));
  assert.ok(events.includes("ready") && events.includes("step"), `the second merchant hears its capture: ${events}`);

  // The second merchant's page tries to show the first merchant's session:
  // at the first merchant's path the browser refuses to render the frame
  // (frame-ancestors); at its own path the capture refuses the session.
  await second.page.evaluate(
    ([capture, id, token]) => {
      for (const [name, path] of [["theirs", "/m/demo/"], ["ours", "/m/demo2/"]]) {
        const f = document.createElement("iframe");
        f.name = name;
        f.src = `${capture}${path}#session=${id}&token=${token}&lang=fr`;
        document.body.appendChild(f);
      }
    },
    [CAPTURE, first.id, first.token],
  );
  const ours = second.page.frameLocator('iframe[name="ours"]');
  await ours
    .getByText("appartient à un autre site marchand")
    .waitFor({ timeout: 15000 })
    .catch(async (e) => {
      throw new Error(`the capture at our path shows: ${await ours.locator("body").innerText().catch(() => "(nothing)")}; ${e.message}`);
    });
  assert.equal(await second.page.frameLocator('iframe[name="ours"]').locator('[data-screen="welcome"]').count(), 0);
  let theirs = null;
  for (let i = 0; i < 100; i++) {
    theirs = second.page.frames().find((f) => f.name() === "theirs");
    if (theirs && theirs.url().startsWith("chrome-error:")) break;
    await second.page.waitForTimeout(50);
  }
  assert.ok(theirs?.url().startsWith("chrome-error:"), `framing the first merchant's path is refused: ${theirs?.url()}`);
  const s1 = await readSession(first.id, first.token);
  assert.deepEqual([s1.status, s1.started], ["open", false], "the first merchant's session is untouched");
  await context.close();
});
