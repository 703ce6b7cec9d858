// Every shopper: every screen in every language passes axe; the journey
// works with the keyboard alone; phones in portrait and landscape; each
// camera failure shows its message and a way forward; a face model that is
// corrupt or never arrives leaves the selfie to the shutter and the backend.
import { test } from "node:test";
import assert from "node:assert/strict";
import { devices } from "playwright-core";
import { suite, openCheckout as open, at, shot, axe, readSession, DEMO, CAPTURE } from "./harness.mjs";

const env = suite();

/** The passport journey by selectors (names differ per language); calls
 * `each(name)` on every screen reached. */
async function passport(frame, each) {
  await at(frame, "welcome");
  await each("welcome");
  await frame.locator(".welcome .actions button.primary").click();
  await at(frame, "choose_document");
  await each("choose_document");
  await frame.locator('button[data-document="passport"]').click();
  for (const part of ["front", "selfie"]) {
    await at(frame, `capture_${part}`);
    await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
    await each(`capture_${part}`);
    await frame.locator("button.shutter").click();
    await at(frame, `review_${part}`);
    await each(`review_${part}`);
    // Keep it: the primary button, or "use anyway" when the device warns.
    const warned = (await frame.locator(".reasons").count()) > 0;
    await frame.locator(`.review .actions button.${warned ? "secondary" : "primary"}`).click();
  }
  await at(frame, "done");
  await each("done");
}

for (const lang of ["fr", "es", "it", "pt", "en"]) {
  test(`axe finds nothing on any screen in ${lang}`, async () => {
    const context = await env.browser.newContext();
    const { page, frame } = await open(context, `?lang=${lang}`);
    const violations = [];
    const headings = [];
    await passport(frame, async (name) => {
      headings.push(await frame.locator("h1").textContent());
      violations.push(...(await axe(page)).map((v) => `${name}: ${v}`));
      await shot(page, `lang-${lang}-${name}`);
    });
    assert.deepEqual(violations, []);
    const htmlLang = await page.frames().find((f) => f.url().startsWith(CAPTURE)).evaluate(() => document.documentElement.lang);
    assert.equal(htmlLang, lang);
    if (lang !== "fr") assert.notEqual(headings[0], "Vérifions votre identité", "translated");
    // The hand-off and expiry screens too.
    const c2 = await env.browser.newContext();
    const second = await open(c2, `?lang=${lang}`);
    await at(second.frame, "welcome");
    await second.frame.locator(".welcome .actions button.secondary").click();
    await at(second.frame, "handoff");
    assert.deepEqual(await axe(second.page), []);
    await shot(second.page, `lang-${lang}-handoff`);
    await c2.close();
    await context.close();
  });
}

test("the whole journey with the keyboard alone", async () => {
  const context = await env.browser.newContext();
  const page = await context.newPage();
  await page.goto(DEMO + "/?auto=0");
  const frameOf = () => page.frames().find((f) => f.url().startsWith(CAPTURE));
  // Tab until `selector` (in the page or the capture frame) has the focus.
  const tabTo = async (selector, inFrame = true) => {
    for (let i = 0; i < 40; i++) {
      const f = inFrame ? frameOf() : page.mainFrame();
      if (f && (await f.evaluate((s) => document.activeElement?.matches(s) ?? false, selector).catch(() => false))) return;
      await page.keyboard.press("Tab");
    }
    throw new Error(`could not reach ${selector} with Tab`);
  };
  await tabTo("#start", false);
  await page.keyboard.press("Enter");
  const frame = page.frameLocator("iframe");
  await at(frame, "welcome");
  await tabTo(".welcome .actions button.primary");
  await page.keyboard.press("Enter");
  await at(frame, "choose_document");
  await tabTo('button[data-document="id_card"]');
  await page.keyboard.press("Space");
  for (const part of ["front", "back", "selfie"]) {
    await at(frame, `capture_${part}`);
    await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
    await tabTo("button.shutter");
    await page.keyboard.press("Space");
    await at(frame, `review_${part}`);
    const warned = (await frame.locator(".reasons").count()) > 0;
    await tabTo(`.review .actions button.${warned ? "secondary" : "primary"}`);
    await page.keyboard.press("Enter");
  }
  await at(frame, "done");
  await context.close();
});

for (const [name, device] of [
  ["pixel", devices["Pixel 5"]],
  ["pixel-landscape", devices["Pixel 5 landscape"]],
  ["iphone", devices["iPhone 13"]],
  ["iphone-landscape", devices["iPhone 13 landscape"]],
]) {
  test(`phone: ${name}`, async () => {
    const { defaultBrowserType, ...options } = device;
    const context = await env.browser.newContext(options);
    const { page, frame } = await open(context);
    await passport(frame, async (screen) => {
      await shot(page, `${name}-${screen}`);
      // The shutter and every button stay reachable and big enough.
      for (const b of await frame.locator("button:visible").all()) {
        const box = await b.boundingBox();
        assert.ok(box.height >= 44 && box.width >= 44, `${screen}: a button of ${box.width}x${box.height}`);
      }
    });
    await context.close();
  });
}

/** Make getUserMedia fail with `name` (optionally only the first `times` calls). */
async function failCamera(context, name, times = 1e9) {
  await context.addInitScript(
    ([name, times]) => {
      if (!navigator.mediaDevices) return;
      const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      let n = 0;
      window.__gumCalls = () => n;
      navigator.mediaDevices.getUserMedia = (c) => {
        n += 1;
        if (n <= times) return Promise.reject(new DOMException("simulated", name));
        return real(c);
      };
    },
    [name, times],
  );
}

async function toCapture(frame) {
  await at(frame, "welcome");
  await frame.locator(".welcome .actions button.primary").click();
  await frame.locator('button[data-document="id_card"]').click();
}

for (const [name, code, text] of [
  ["NotAllowedError", "camera_denied", /refusé/],
  ["NotReadableError", "camera_busy", /autre application/],
  ["SecurityError", "camera_denied", /refusé/],
]) {
  test(`camera error ${name}: message, retry and hand-off`, async () => {
    const context = await env.browser.newContext();
    await failCamera(context, name, 1);
    const { page, frame } = await open(context);
    await toCapture(frame);
    const box = frame.locator(`.camera-error[data-error="${code}"]`);
    await box.waitFor({ timeout: 10000 });
    assert.match(await box.textContent(), text);
    if (code === "camera_denied") assert.match(await frame.locator('[data-testid="denied-help"]').textContent(), /Chrome ou Edge/);
    await shot(page, `camera-error-${name}`);
    assert.deepEqual(await axe(page), []);
    const codes = await page.evaluate(() => window.idcaptureEvents.filter((e) => e.type === "error").map((e) => e.code));
    assert.deepEqual(codes, [code]);
    // The hand-off is offered with the error, beside the retry.
    assert.equal(await box.locator("button.secondary").textContent(), "Continuer sur mon téléphone");
    // Recovery: the retry (the simulated failure happened once) reopens it.
    await box.locator("button.primary").click();
    await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
    assert.equal(await frame.locator(".camera-error").count(), 0, "the error is gone once the camera runs");
    await context.close();
  });
}

test("camera error NotFoundError: straight to the hand-off", async () => {
  const context = await env.browser.newContext();
  await failCamera(context, "NotFoundError");
  const { page, frame } = await open(context);
  await toCapture(frame);
  await at(frame, "handoff");
  assert.match(await frame.locator('[data-testid="handoff-reason"]').textContent(), /Aucune caméra/);
  await shot(page, "camera-error-NotFoundError");
  await context.close();
});

test("camera error OverconstrainedError: retried with relaxed constraints", async () => {
  const context = await env.browser.newContext();
  await failCamera(context, "OverconstrainedError", 1);
  const { page, frame } = await open(context);
  await toCapture(frame);
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  const calls = await page.frames().find((f) => f.url().startsWith(CAPTURE)).evaluate(() => window.__gumCalls());
  assert.ok(calls >= 2, "asked again with simpler constraints");
  await context.close();
});

test("a camera track that ends mid-capture is restarted", async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    if (!navigator.mediaDevices) return;
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    let n = 0;
    window.__gumCalls = () => n;
    navigator.mediaDevices.getUserMedia = async (c) => {
      n += 1;
      const s = await real(c);
      if (n === 1) {
        // The first camera goes away after a moment, as when unplugged.
        setTimeout(() => {
          const t = s.getVideoTracks()[0];
          t.stop();
          t.dispatchEvent(new Event("ended"));
        }, 1500);
      }
      return s;
    };
  });
  const { page, frame } = await open(context);
  await toCapture(frame);
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  const f = page.frames().find((f) => f.url().startsWith(CAPTURE));
  for (let i = 0; i < 50 && (await f.evaluate(() => window.__gumCalls())) < 2; i++) await page.waitForTimeout(100);
  assert.ok((await f.evaluate(() => window.__gumCalls())) >= 2, "the camera was reopened");
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  await frame.locator("button.shutter").click();
  await at(frame, "review_front");
  await context.close();
});

test("turning the phone keeps the capture working", async () => {
  const { defaultBrowserType, ...pixel } = devices["Pixel 5"];
  const context = await env.browser.newContext(pixel);
  const { page, frame } = await open(context);
  await toCapture(frame);
  await at(frame, "capture_front");
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  const { width, height } = page.viewportSize();
  await page.setViewportSize({ width: height, height: width });
  await page.waitForTimeout(300);
  await shot(page, "pixel-turned-capture_front");
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  await frame.locator("button.shutter").click();
  await at(frame, "review_front");
  await context.close();
});

test("the camera is released while the page is hidden and restarted when shown", async () => {
  const context = await env.browser.newContext();
  await context.addInitScript(() => {
    if (!navigator.mediaDevices) return;
    const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    window.__tracks = [];
    navigator.mediaDevices.getUserMedia = async (c) => {
      const s = await real(c);
      window.__tracks.push(...s.getTracks());
      return s;
    };
    let hidden = false;
    Object.defineProperty(Document.prototype, "hidden", { get: () => hidden, configurable: true });
    window.__setHidden = (h) => {
      hidden = h;
      document.dispatchEvent(new Event("visibilitychange"));
    };
  });
  const { page, frame } = await open(context);
  await toCapture(frame);
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  const f = page.frames().find((f) => f.url().startsWith(CAPTURE));
  await f.evaluate(() => window.__setHidden(true));
  const states = await f.evaluate(() => window.__tracks.map((t) => t.readyState));
  assert.deepEqual([...new Set(states)], ["ended"], "no live track while hidden");
  await f.evaluate(() => window.__setHidden(false));
  for (let i = 0; i < 50 && (await f.evaluate(() => window.__tracks.filter((t) => t.readyState === "live").length)) === 0; i++) {
    await page.waitForTimeout(100);
  }
  assert.equal(await f.evaluate(() => window.__tracks.filter((t) => t.readyState === "live").length), 1);
  await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
  await context.close();
});

for (const [name, answer, shootAtOnce] of [
  // The model's size, not its bytes: only its digest tells it apart. The
  // shopper waits for the note, then shoots.
  ["corrupt", (route) => route.fulfill({ status: 200, contentType: "application/octet-stream", body: Buffer.alloc(1209904, 7) }), false],
  // Never answered. The shopper shoots at once: the still's check waits a
  // few seconds for the model, then leaves the judgement to the backend.
  ["stalled", () => {}, true],
]) {
  test(`a ${name} face model: the selfie is taken with the shutter and judged by the backend, no crash`, async () => {
    const context = await env.browser.newContext();
    await context.route(/\/models\/seeta_fd_frontal_v1\.0\.bin$/, answer);
    const { page, frame, id, token } = await open(context);
    const errors = [];
    const warnings = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => {
      if (/panicked|RuntimeError|unreachable/.test(m.text())) errors.push(m.text());
      if (m.text().includes("face model unavailable")) warnings.push(m.text());
    });
    await at(frame, "welcome");
    await frame.getByRole("button", { name: "Commencer" }).click();
    await frame.locator('button[data-document="passport"]').click();
    await at(frame, "capture_front");
    await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
    await frame.getByRole("button", { name: "Prendre la photo" }).click();
    await at(frame, "review_front");
    await frame.getByRole("button", { name: /^Utiliser (cette photo|quand même)$/ }).click();
    await at(frame, "capture_selfie");
    if (!shootAtOnce) {
      const note = frame.locator('.guidance[data-cue="unavailable"]');
      await note.waitFor({ timeout: 30000 });
      assert.match(await note.textContent(), /guidage automatique n'est pas disponible/);
      assert.ok(warnings.some((w) => w.includes("(Integrity)")), `refused for its digest: ${warnings}`);
    }
    await frame.locator("button.shutter:not([disabled])").waitFor({ timeout: 20000 });
    const shotAt = Date.now();
    await frame.getByRole("button", { name: "Prendre la photo" }).click();
    await at(frame, "review_selfie", 20000);
    if (shootAtOnce) assert.ok(Date.now() - shotAt < 15000, "the still's check does not wait for the download");
    assert.match(await frame.locator(".review .unchecked").textContent(), /n'a pas pu être vérifiée sur votre appareil/);
    assert.match(await frame.locator(".review").textContent(), /Votre visage est-il net/);
    await frame.getByRole("button", { name: "Utiliser cette photo" }).click();
    await at(frame, "done", 30000);
    const s = await readSession(id, token);
    assert.equal(s.status, "completed");
    assert.deepEqual(s.parts.map((p) => p.part).sort(), ["document_front", "selfie"]);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
