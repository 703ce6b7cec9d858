// The whole journey in a real browser: the demo checkout on one origin,
// the capture app in a cross-origin iframe, a fake camera fed with a real
// frame (the document sides shoot themselves; the selfie step, shown the
// card, does not and takes the shutter), screens screenshotted and checked
// with axe, and the backend
// holding exactly the parts, each at the camera's resolution.
import { test } from "node:test";
import assert from "node:assert/strict";
import { before, after } from "node:test";
import { startServer, launch, clip, shot, axe, readSession, recordRequests, DEMO, CAPTURE } from "./harness.mjs";

// Each journey's camera shows the side that carries its document's MRZ (a
// card's back, a passport's data page): read, it shoots itself; the card's
// front takes that picture too (its own MRZ would be a 1995 card's).
let server;
before(async () => {
  server = await startServer();
});
after(async () => {
  await server?.stop();
});

async function screen(page, frame, name, violations, prefix) {
  await frame.locator(`[data-screen="${name}"]`).waitFor({ timeout: 15000 });
  if (name === "capture_selfie") {
    // Shoot the live preview, not the "starting" state.
    await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 15000 });
  }
  await shot(page, `${prefix}-${name}`);
  violations.push(...(await axe(page)).map((v) => `${name}: ${v}`));
}

async function journey(document, parts, fixture, [Y4M_W, Y4M_H]) {
  const browser = await launch(clip(fixture));
  const context = await browser.newContext({ viewport: { width: 900, height: 1100 } });
  const page = await context.newPage();
  const urls = recordRequests(page);
  const firstScreen = [];
  page.on("response", async (r) => {
    if (!r.url().startsWith(CAPTURE)) return;
    const body = await r.body().catch(() => null);
    firstScreen.push({ url: r.url().split("#")[0], bytes: body ? body.length : 0, at: firstScreen.length });
  });
  const violations = [];
  await page.goto(DEMO + "/");
  const created = page.waitForResponse((r) => r.url() === `${DEMO}/demo/session`);
  await page.click("#start");
  const { id, token } = await (await created).json();
  const iframe = page.locator("iframe");
  await iframe.waitFor();
  const src = await iframe.getAttribute("src");
  assert.ok(src.startsWith(`${CAPTURE}/m/demo/#session=${id}`), `the merchant's path on the capture origin: ${src}`);
  assert.ok(!src.includes(token), "no token in the iframe's URL");
  assert.equal(await iframe.getAttribute("allow"), "camera; fullscreen; clipboard-write");
  const frame = page.frameLocator("iframe");
  const prefix = document;

  await screen(page, frame, "welcome", violations, prefix);
  // What the first screen downloaded: no face model.
  const initial = firstScreen.map((f) => `${f.url.replace(CAPTURE, "")} ${f.bytes}`);
  console.log(`# first screen (${document}): ${initial.join(", ")}`);
  assert.ok(!initial.some((u) => u.includes("/models/")), "the face model is not in the first download");
  await assert.doesNotReject(frame.locator('[data-testid="countdown"]').waitFor());
  const shown = await frame.locator('[data-testid="countdown"]').textContent();
  assert.match(shown, /^(60:00|59:[0-5]\d)$/, `countdown near one hour: ${shown}`);
  await frame.getByRole("button", { name: "Commencer" }).click();
  await screen(page, frame, "choose_document", violations, prefix);
  await frame.locator(`button[data-document="${document}"]`).click();

  for (const part of parts) {
    if (part === "selfie") {
      // The camera still shows the card: no auto-capture; the shutter (always
      // there on a desktop) takes it.
      await screen(page, frame, `capture_${part}`, violations, prefix);
      const shutter = frame.getByRole("button", { name: "Prendre la photo" });
      await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 15000 });
      await shutter.click();
    } else {
      // The good card shoots itself: no click.
      await frame.locator(`[data-screen="capture_${part}"]`).waitFor({ timeout: 15000 });
    }
    await screen(page, frame, `review_${part}`, violations, prefix);
    const img = frame.locator("img.still");
    assert.equal(await img.getAttribute("data-width"), String(Y4M_W));
    assert.equal(await img.getAttribute("data-height"), String(Y4M_H));
    if (part === "selfie") {
      // The camera shows the card, not a face: the device says so, in the
      // browser, with the model it fetched for this step.
      const reasons = await frame.locator(".reasons").getAttribute("data-reasons");
      assert.match(reasons, /no_face|document_in_selfie/);
      // A retake reuses the model already in memory.
      await frame.getByRole("button", { name: "Reprendre" }).click();
      await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 15000 });
      await frame.getByRole("button", { name: "Prendre la photo" }).click();
      await frame.locator('[data-screen="review_selfie"]').waitFor();
      await frame.getByRole("button", { name: "Utiliser quand même" }).click();
    } else {
      // The good card passes the device's checks.
      assert.equal(await frame.locator(".reasons").count(), 0, "the good card is accepted on the device");
      await frame.getByRole("button", { name: "Utiliser cette photo" }).click();
    }
  }
  await screen(page, frame, "done", violations, prefix);

  // The backend holds exactly these parts, each a JPEG it decoded at the
  // camera's resolution.
  const s = await readSession(id, token);
  assert.equal(s.status, "completed");
  const apiName = { front: "document_front", back: "document_back", selfie: "selfie" };
  assert.deepEqual(s.parts.map((p) => p.part).sort(), parts.map((p) => apiName[p]).sort());
  for (const p of s.parts) {
    assert.equal(p.width, Y4M_W, `${p.part} width`);
    assert.equal(p.height, Y4M_H, `${p.part} height`);
  }

  // The host saw the documented events.
  const types = await page.evaluate(() => window.idcaptureEvents.map((e) => e.type));
  assert.equal(types[0], "ready");
  assert.equal(types.filter((t) => t === "part_uploaded").length, parts.length);
  assert.equal(types.at(-1), "completed");

  // The model was fetched once, at the selfie step, for the whole journey.
  assert.equal(urls.filter((u) => u.includes("/models/seeta_fd_frontal_v1.0.bin")).length, 1);

  // Only the two loopback origins, and the token in no URL's path or query.
  for (const u of urls) {
    assert.ok(u.startsWith(DEMO + "/") || u.startsWith(CAPTURE + "/") || u.startsWith("blob:") || u.startsWith("data:"), `unexpected request ${u}`);
    const noFragment = u.split("#")[0];
    assert.ok(!noFragment.includes(token), `token in a request URL: ${noFragment}`);
  }
  assert.deepEqual(violations, []);
  await context.close();
  await browser.close();
}

test("ID card: front, back and selfie reach the backend", async () => {
  await journey("id_card", ["front", "back", "selfie"], "mrz/mrz_id_card_back_001.jpg", [1280, 720]);
});

test("passport: data page and selfie, no back", async () => {
  await journey("passport", ["front", "selfie"], "mrz/mrz_passport_front_027.jpg", [1920, 1080]);
});
