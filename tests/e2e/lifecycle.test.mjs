// No capture lost to the network or a reload: uploads survive aborted
// requests and an offline spell and store each part once with the bytes
// sent; a reload at each step resumes there with the same deadline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { suite, openCheckout as open, at, readSession, CAPTURE } from "./harness.mjs";

const env = suite();

async function shoot(frame, part) {
  await at(frame, `capture_${part}`);
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  await frame.getByRole("button", { name: "Prendre la photo" }).click();
  await at(frame, `review_${part}`);
}

async function keep(frame) {
  // "quand même" when the device flags the still (the clip shows a card,
  // not a face); offline, the face model may not have loaded: unchecked.
  await frame.getByRole("button", { name: /^Utiliser (cette photo|quand même)$/ }).click();
}

test("aborted requests and a 10 s offline spell lose nothing and store each part once", async () => {
  const context = await env.browser.newContext();
  const sent = new Map(); // part -> set of sha256 of bodies the browser sent
  let puts = 0;
  let offlineDone = false;
  await context.route(/\/api\/sessions\/[0-9a-f]+\/parts\//, async (route) => {
    const req = route.request();
    if (req.method() !== "PUT") return route.continue();
    const part = req.url().split("/").pop();
    const body = req.postDataBuffer();
    if (!sent.has(part)) sent.set(part, new Set());
    sent.get(part).add(createHash("sha256").update(body).digest("hex"));
    puts += 1;
    if (part === "document_back" && !offlineDone) {
      // The network goes away in the middle of this upload, for 10 s.
      offlineDone = true;
      await context.setOffline(true);
      setTimeout(() => context.setOffline(false), 10_000);
      return route.abort("internetdisconnected");
    }
    // Every second request dies at the network layer.
    if (puts % 2 === 0) return route.abort("connectionreset");
    return route.continue();
  });
  const { frame, id, token } = await open(context);
  await at(frame, "welcome");
  await frame.getByRole("button", { name: "Commencer" }).click();
  await frame.locator('button[data-document="id_card"]').click();
  for (const part of ["front", "back", "selfie"]) {
    await shoot(frame, part);
    await keep(frame, part);
  }
  await frame.locator('[data-screen="done"]').waitFor({ timeout: 90_000 });
  assert.ok(offlineDone, "the offline spell happened");

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
  for (let i = 0; i < 50 && (await readSession(id, token)).parts.length < 1; i++) await new Promise((r) => setTimeout(r, 100));
  await expectAfterReload("capture_back");
  // What the backend already holds is shown as done.
  assert.equal(await frame.locator('.parts li.done[data-part="document_front"]').count(), 1);
  assert.equal(await frame.locator('.parts li.todo[data-part="document_back"]').count(), 1);
  await shoot(frame, "back");
  await keep(frame, "back");
  for (let i = 0; i < 50 && (await readSession(id, token)).parts.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
  await expectAfterReload("capture_selfie");
  await shoot(frame, "selfie");
  await keep(frame, "selfie");
  await at(frame, "done");
  await expectAfterReload("done");
  await context.close();
});
