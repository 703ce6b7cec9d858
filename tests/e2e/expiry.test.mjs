// At the deadline the journey stops on the "achat annulé" screen, the host
// hears `expired`, and the backend refuses late writes with 410.
import { test } from "node:test";
import assert from "node:assert/strict";
import { suite, shot, axe, trackObjectUrls, DEMO, CAPTURE } from "./harness.mjs";

const env = suite();

test("the countdown reaching zero cancels the purchase", async () => {
  const context = await env.browser.newContext({ viewport: { width: 900, height: 1100 } });
  await context.clock.install();
  // Count live object URLs and camera tracks in every frame.
  await trackObjectUrls(context);
  await context.addInitScript(() => {
    window.__tracks = [];
    if (navigator.mediaDevices) {
      const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (c) => {
        const s = await gum(c);
        window.__tracks.push(...s.getTracks());
        return s;
      };
    }
  });
  const page = await context.newPage();
  await page.goto(DEMO + "/?auto=0");
  const created = page.waitForResponse((r) => r.url() === `${DEMO}/demo/session`);
  await page.click("#start");
  const { id, token } = await (await created).json();
  const frame = page.frameLocator("iframe");
  await frame.locator('[data-screen="welcome"]').waitFor();
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('[data-screen="choose_document"]').waitFor();
  // Take the front, keep it, then stop on the back's review: one still in
  // memory (under review), one uploaded, the camera just used.
  await frame.locator('button[data-document="id_card"]').click();
  for (const [part, keep] of [["front", true], ["back", false]]) {
    await frame.locator(`[data-screen="capture_${part}"]`).waitFor();
    await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
    await frame.getByRole("button", { name: "Prendre la photo" }).click();
    await frame.locator(`[data-screen="review_${part}"]`).waitFor();
    if (keep) await frame.getByRole("button", { name: "Utiliser cette photo" }).click();
  }
  const captureFrame = page.frames().find((f) => f.url().startsWith(CAPTURE));
  assert.ok((await captureFrame.evaluate(() => window.__liveUrls.size)) >= 1, "a still is under review");

  // Both clocks past the deadline: the server's (test-only override) and
  // the browser's.
  const r = await fetch(`${CAPTURE}/test/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ offset_ms: 3_600_000 + 1_000 }),
  });
  assert.equal(r.status, 200);
  await context.clock.fastForward(3_600_000 + 1_000);
  const started = Date.now();
  await frame.locator('[data-screen="expired"]').waitFor({ timeout: 5000 });
  assert.ok(Date.now() - started < 1500, "the expiry screen shows within a second or so");
  await context.clock.runFor(1000);
  await assert.doesNotReject(frame.getByRole("heading", { name: "Achat annulé" }).waitFor());
  assert.equal(await frame.locator('[data-testid="countdown"]').textContent(), "00:00");
  await shot(page, "expired");
  assert.deepEqual(await axe(page), []);

  // Every image dropped (object URLs revoked) and the camera released.
  assert.equal(await captureFrame.evaluate(() => window.__liveUrls.size), 0, "no object URL left alive");
  assert.deepEqual(await captureFrame.evaluate(() => window.__tracks.map((t) => t.readyState)).then((s) => [...new Set(s)]), ["ended"]);

  const types = await page.evaluate(() => window.idcaptureEvents.map((e) => e.type));
  assert.ok(types.includes("expired"), `events: ${types}`);

  // A late upload is refused.
  const late = await fetch(`${CAPTURE}/api/sessions/${id}/parts/selfie`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "image/jpeg" },
    body: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]),
  });
  assert.equal(late.status, 410);
  const s = await (await fetch(`${CAPTURE}/api/sessions/${id}`, { headers: { authorization: `Bearer ${token}` } })).json();
  assert.equal(s.status, "expired");
  await context.close();
});
