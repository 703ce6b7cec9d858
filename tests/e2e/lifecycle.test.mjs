// No capture lost to the network or a reload: uploads survive aborted
// requests and an offline spell longer than the retry budget and store each
// part once with the bytes sent; a failing completion is asked again; a
// still finished after a cancel is not kept; a reload at each step resumes
// there with the same deadline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { suite, openCheckout as open, at, readSession, trackObjectUrls, CAPTURE } from "./harness.mjs";

const env = suite();

async function shoot(frame, part) {
  await at(frame, `capture_${part}`);
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  await frame.getByRole("button", { name: "Prendre la photo" }).click();
  await at(frame, `review_${part}`);
}

/** Wait until the backend stores `n` parts; fail if it does not within 10 s. */
async function stored(id, token, n) {
  let parts = [];
  for (let i = 0; i < 100; i++) {
    parts = (await readSession(id, token)).parts;
    if (parts.length >= n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the backend stores ${parts.length} parts, not ${n}`);
}

async function keep(frame) {
  // "quand même" when the device flags the still (the clip shows a card,
  // not a face); offline, the face model may not have loaded: unchecked.
  await frame.getByRole("button", { name: /^Utiliser (cette photo|quand même)$/ }).click();
}

test("aborted requests, a 90 s offline spell and a failing completion lose nothing, with no click", async () => {
  const context = await env.browser.newContext();
  const sent = new Map(); // part -> set of sha256 of bodies the browser sent
  let puts = 0;
  let offlineDone = false;
  let offlineUntil = 0;
  // The completion request dies at the network layer; then it reaches the
  // server but its answer is lost; the third finds the session completed.
  let completes = 0;
  await context.route(/\/api\/sessions\/[0-9a-f]+\/complete$/, async (route) => {
    completes += 1;
    if (completes === 1) return route.abort("connectionreset");
    if (completes === 2) {
      await route.fetch();
      return route.abort("connectionreset");
    }
    return route.continue();
  });
  await context.route(/\/api\/sessions\/[0-9a-f]+\/parts\//, async (route) => {
    const req = route.request();
    if (req.method() !== "PUT") return route.continue();
    const part = req.url().split("/").pop();
    const body = req.postDataBuffer();
    if (!sent.has(part)) sent.set(part, new Set());
    sent.get(part).add(createHash("sha256").update(body).digest("hex"));
    puts += 1;
    if (part === "document_back" && !offlineDone) {
      // The network goes away in the middle of this upload for 90 s:
      // longer than the upload's own retries (8 attempts, about a minute).
      offlineDone = true;
      offlineUntil = Date.now() + 90_000;
      await context.setOffline(true);
      setTimeout(() => context.setOffline(false), 90_000);
      return route.abort("internetdisconnected");
    }
    // Every second request dies at the network layer.
    if (puts % 2 === 0) return route.abort("connectionreset");
    return route.continue();
  });
  const { page, frame, id, token } = await open(context);
  await at(frame, "welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('button[data-document="id_card"]').click();
  for (const part of ["front", "back", "selfie"]) {
    await shoot(frame, part);
    await keep(frame, part);
  }
  // While offline the shopper is told, and the upload waits for the network.
  await frame.getByText("Vous êtes hors ligne").waitFor({ timeout: 30_000 });
  await at(frame, "sending");
  await frame.locator('[data-screen="done"]').waitFor({ timeout: 180_000 });
  assert.ok(offlineDone, "the offline spell happened");
  assert.ok(Date.now() >= offlineUntil, "done only once back online");
  assert.equal(completes, 3, "the completion was asked again after each failure");
  // The host heard of each part once, and no error.
  const events = await page.evaluate(() => window.idcaptureEvents.map((e) => e.type + (e.part ? ":" + e.part : "")));
  for (const p of ["document_front", "document_back", "selfie"]) {
    assert.equal(events.filter((e) => e === "part_uploaded:" + p).length, 1, `${p} announced once: ${events}`);
  }
  assert.ok(!events.some((e) => e.startsWith("error")), `no error: ${events}`);
  assert.equal(events.at(-1), "completed", `events end with completed: ${events}`);

  const s = await readSession(id, token);
  assert.equal(s.status, "completed");
  assert.deepEqual(s.parts.map((p) => p.part).sort(), ["document_back", "document_front", "selfie"]);
  for (const p of s.parts) {
    const shas = [...sent.get(p.part)];
    assert.equal(shas.length, 1, `${p.part}: every retry sent the same bytes`);
    assert.equal(p.sha256, shas[0], `${p.part}: the server holds the bytes the browser sent`);
  }
  assert.ok(puts > 4, `retries happened (${puts} PUTs)`);
  await context.close();
});

test("a cancel from the host while a still is encoding keeps no image", async () => {
  const context = await env.browser.newContext();
  // Count live object URLs; hold every JPEG encoding for 3 s.
  await trackObjectUrls(context);
  await context.addInitScript(() => {
    window.__encoding = 0;
    const toBlob = HTMLCanvasElement.prototype.toBlob;
    HTMLCanvasElement.prototype.toBlob = function (cb, ...rest) {
      window.__encoding += 1;
      return toBlob.call(this, (b) => setTimeout(() => cb(b), 3000), ...rest);
    };
  });
  const { page, frame, id, token } = await open(context);
  await at(frame, "welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('button[data-document="id_card"]').click();
  await at(frame, "capture_front");
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  await frame.getByRole("button", { name: "Prendre la photo" }).click();
  const captureFrame = page.frames().find((f) => f.url().startsWith(CAPTURE));
  await captureFrame.waitForFunction(() => window.__encoding > 0);
  await page.evaluate(() => window.idcapture.cancel());
  await at(frame, "cancelled");
  // The encoding finishes after the cancel: its still must not be kept.
  await new Promise((r) => setTimeout(r, 4000));
  await at(frame, "cancelled");
  assert.equal(await captureFrame.evaluate(() => window.__liveUrls.size), 0, "no object URL left alive");
  assert.equal((await readSession(id, token)).status, "cancelled");
  const events = await page.evaluate(() => window.idcaptureEvents.map((e) => e.type));
  assert.ok(events.includes("cancelled") && !events.includes("error"), `events: ${events}`);
  await context.close();
});

test("a reload at each step resumes there, with the same deadline", async () => {
  const context = await env.browser.newContext();
  const { page, frame, id, token } = await open(context);
  // Ten minutes gone on the server's clock since the session started: the
  // countdown must show ~50:00 after every reload, never 60:00 again.
  await fetch(`${CAPTURE}/test/clock`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ offset_ms: 600_000 }),
  });
  const reload = async () => {
    const f = page.frames().find((f) => f.url().startsWith(CAPTURE));
    await f.evaluate(() => location.reload());
  };
  const countdownOk = async () => {
    const t = await frame.locator('[data-testid="countdown"]').textContent();
    const [m] = t.split(":").map(Number);
    assert.ok(m >= 48 && m <= 50, `countdown continues from the server's deadline: ${t}`);
  };
  const expectAfterReload = async (name) => {
    await reload();
    await at(frame, name);
    await countdownOk();
  };

  await at(frame, "welcome");
  await expectAfterReload("welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await at(frame, "choose_document");
  await expectAfterReload("choose_document");
  await frame.locator('button[data-document="id_card"]').click();
  await at(frame, "capture_front");
  await expectAfterReload("capture_front");
  await shoot(frame, "front");
  // The still under review is not kept anywhere but in memory: after a
  // reload the shopper takes it again.
  await expectAfterReload("capture_front");
  await shoot(frame, "front");
  await keep(frame, "front");
  await at(frame, "capture_back");
  // Wait until the front is stored before reloading.
  await stored(id, token, 1);
  await expectAfterReload("capture_back");
  // What the backend already holds is shown as done.
  assert.equal(await frame.locator('.parts li.done[data-part="document_front"]').count(), 1);
  assert.equal(await frame.locator('.parts li.todo[data-part="document_back"]').count(), 1);
  await shoot(frame, "back");
  await keep(frame, "back");
  await stored(id, token, 2);
  await expectAfterReload("capture_selfie");
  await shoot(frame, "selfie");
  await keep(frame, "selfie");
  await at(frame, "done");
  await expectAfterReload("done");
  await context.close();
});
