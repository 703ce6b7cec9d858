// One shopper's browser, the same few verbs in every engine, so the journeys
// of engines.test.mjs are one piece of test code:
// - Chromium and Firefox through Playwright (Firefox ESR over WebDriver
//   BiDi, the `moz-firefox` channel);
// - WebKitGTK's MiniBrowser through Debian's WebKitWebDriver (W3C
//   WebDriver, ./webdriver.mjs): Playwright drives only its own WebKit
//   build, which cannot be downloaded here.
// The camera is the fake one of fakecam.js in every engine (served into the
// capture pages by proxy.mjs), driven through the frame's DOM.
import { chromium, firefox } from "playwright-core";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Driver } from "./webdriver.mjs";

const ROOT = new URL("../../..", import.meta.url).pathname;
const AXE = readFileSync(join(ROOT, "node_modules/axe-core/axe.min.js"), "utf8");

export const WEBKIT_MINIBROWSER = "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser";
export const FIREFOX = "/usr/bin/firefox-esr";
export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

/** Which engines are installed (scripts/setup installs all three). */
export function installed(engine) {
  if (engine === "webkit") return existsSync(WEBKIT_MINIBROWSER) && existsSync("/usr/bin/WebKitWebDriver") && existsSync("/usr/bin/Xvfb");
  return existsSync({ chromium: CHROMIUM, firefox: FIREFOX }[engine]);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Run axe in the current document; the violations as "id: targets". */
const AXE_RUN = `
  const r = await axe.run(document, { resultTypes: ["violations"] });
  return r.violations.map((v) => v.id + ": " + v.nodes.map((n) => n.target.join(" ")).join(", "));`;

/** Record the demo checkout's session (id, token) from its own request, so
 * the test can read the session back as the merchant would. */
const RECORD_SESSION = `
  if (!window.__e2eFetch) {
    window.__e2eFetch = window.fetch;
    window.fetch = async (...a) => {
      const r = await window.__e2eFetch(...a);
      if (String(a[0]).includes("/demo/session")) r.clone().json().then((j) => (window.__e2eSession = j));
      return r;
    };
  }`;

class Base {
  constructor(engine, screens) {
    this.engine = engine;
    this.screens = screens;
    mkdirSync(screens, { recursive: true });
  }

  /** Wait until `fn` returns a truthy value (polled), or fail saying `what`
   * (with what is shown and the last error met). A lost session fails at
   * once. */
  async until(fn, what, timeout = 20000) {
    const end = Date.now() + timeout;
    let last = null;
    for (;;) {
      try {
        const v = await Promise.resolve().then(fn);
        if (v) return v;
        last = null;
      } catch (e) {
        last = e;
        if (/invalid session id|Target page, context or browser has been closed/.test(String(e))) throw e;
        this.lost();
      }
      if (Date.now() > end) {
        const shown = await this.inFrame(
          `const v = document.querySelector("video");
           return JSON.stringify({ cue: document.querySelector(".guidance")?.dataset.cue, analysed: v?.dataset.analysed, ms: v?.dataset.ms, grabMs: v?.dataset.grabMs,
             streams: document.documentElement.dataset.fakeCameraStreams, fake: !!window.__fakeCameraInstalled, picture: document.documentElement.dataset.fakeCamera, scripts: [...document.scripts].map((s) => s.src).join(" "), text: document.querySelector("main")?.innerText.slice(0, 200) })`,
        ).catch((e) => String(e));
        const error = last ? `; last error: ${String(last.message || last).slice(0, 300)}` : "";
        throw new Error(`${this.engine}: ${what} not within ${timeout} ms; showing: ${shown}${error}`);
      }
      await sleep(150);
    }
  }

  /** A command failed: forget which document the driver is in. */
  lost() {}

  screen() {
    return this.inFrame(`return document.querySelector("[data-screen]")?.dataset.screen || null`);
  }

  async waitScreen(name, timeout = 20000) {
    await this.until(async () => (await this.screen()) === name, `screen ${name}`, timeout);
  }

  cue() {
    return this.inFrame(`return document.querySelector(".guidance")?.dataset.cue || null`);
  }

  attr(css, name) {
    return this.inFrame(`const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null`, [css, name]);
  }

  count(css) {
    return this.inFrame(`return document.querySelectorAll(arguments[0]).length`, [css]);
  }

  text(css) {
    return this.inFrame(`return document.querySelector(arguments[0])?.textContent ?? null`, [css]);
  }

  /** The picture the fake camera shows from its next stream. */
  picture(name) {
    return this.inFrame(`document.documentElement.dataset.fakeCamera = arguments[0]`, [name]);
  }

  /** The next camera request fails with this DOMException name (null: no more). */
  deny(name) {
    return this.inFrame(`if (arguments[0]) document.documentElement.dataset.fakeCameraDeny = arguments[0]; else delete document.documentElement.dataset.fakeCameraDeny;`, [name]);
  }

  events() {
    return this.inTop(`return (window.idcaptureEvents || []).map((e) => e.type)`);
  }

  async axe() {
    const inFrame = await this.inFrameAsync(`if (!window.axe) { ${AXE}\n } ${AXE_RUN}`);
    const inTop = await this.inTopAsync(`if (!window.axe) { ${AXE}\n } ${AXE_RUN}`);
    return [...inFrame, ...inTop.map((v) => `checkout: ${v}`)];
  }

  /** Open the demo checkout, start the check, wait for the capture's
   * welcome screen, point the fake camera at `picture`. */
  async open(demo, picture, query = "") {
    await this.goto(`${demo}/${query}`);
    await this.inTop(RECORD_SESSION);
    // Every request kept for requests() (the default keeps 250).
    await this.inTop(`performance.setResourceTimingBufferSize(100000)`);
    await this.clickTop("#start");
    this.session = await this.until(() => this.inTop(`return window.__e2eSession || null`), "the checkout's session");
    await this.waitScreen("welcome");
    await this.inFrame(`performance.setResourceTimingBufferSize(100000)`);
    await this.picture(picture);
  }
}

/** Chromium or Firefox through Playwright. */
class PlaywrightShopper extends Base {
  static async launch(engine, screens) {
    const s = new PlaywrightShopper(engine, screens);
    if (engine === "firefox") {
      s.browser = await firefox.launch({
        channel: "moz-firefox",
        executablePath: FIREFOX,
        headless: true,
        firefoxUserPrefs: {
          "media.navigator.permission.disabled": true,
          "media.navigator.streams.fake": true,
          // The capture iframe in its parent's process, as the Chromium
          // suites run it: input sent over WebDriver BiDi does not reach an
          // out-of-process (Fission) iframe in this Firefox and driver
          // (measured: no event at all in the frame). Origins, CSP and the
          // permissions policy are enforced the same either way.
          "fission.autostart": false,
        },
      });
    } else {
      s.browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--use-fake-ui-for-media-stream"],
      });
    }
    s.context = await s.browser.newContext({ viewport: { width: 900, height: 1100 } });
    s.page = await s.context.newPage();
    s.urls = [];
    s.page.on("request", (r) => s.urls.push(r.url()));
    return s;
  }

  frame() {
    const f = this.page.frames().find((f) => f.url().includes("/m/"));
    if (!f) throw new Error("no capture frame");
    return f;
  }

  goto(url) {
    return this.page.goto(url);
  }

  // Script bodies as in WebDriver: `arguments` holds the arguments.
  static wrap(body, async) {
    return `(${async ? "async " : ""}function () { ${body} })`;
  }

  // Evaluated as expressions, not through the page's eval (the capture's
  // CSP has no 'unsafe-eval').
  static expr(body, args, async) {
    return `(${PlaywrightShopper.wrap(body, async)}).apply(null, ${JSON.stringify(args)})`;
  }

  inFrame(body, args = []) {
    return this.frame().evaluate(PlaywrightShopper.expr(body, args, false));
  }

  inFrameAsync(body, args = []) {
    return this.frame().evaluate(PlaywrightShopper.expr(body, args, true));
  }

  inTop(body, args = []) {
    return this.page.evaluate(PlaywrightShopper.expr(body, args, false));
  }

  inTopAsync(body, args = []) {
    return this.page.evaluate(PlaywrightShopper.expr(body, args, true));
  }

  clickTop(css) {
    return this.page.click(css);
  }

  click(css) {
    return this.page.frameLocator("iframe").locator(css).first().click();
  }

  clickButton(name) {
    return this.page.frameLocator("iframe").getByRole("button", { name, exact: true }).click();
  }

  async shot(name) {
    await this.page.locator("iframe").scrollIntoViewIfNeeded().catch(() => {});
    await this.page.screenshot({ path: join(this.screens, `${name}.png`) });
  }

  requests() {
    return this.urls.slice();
  }

  async close() {
    await this.browser?.close();
  }
}

/** WebKitGTK's MiniBrowser through WebKitWebDriver under Xvfb. */
class WebKitShopper extends Base {
  static async launch(engine, screens, port) {
    const s = new WebKitShopper(engine, screens);
    s.d = await Driver.start({
      command: "WebKitWebDriver",
      display: true,
      port,
      capabilities: {
        "webkitgtk:browserOptions": { binary: WEBKIT_MINIBROWSER, args: ["--automation", "--enable-mock-capture-devices=true"] },
      },
    });
    await s.d.setWindow(900, 1100).catch(() => {});
    s.where = "top";
    return s;
  }

  lost() {
    this.where = null;
  }

  async toTop() {
    if (this.where !== "top") await this.d.frame(null);
    this.where = "top";
  }

  async toFrame() {
    if (this.where === "frame") return;
    await this.d.frame(null);
    await this.d.frame(await this.d.find("iframe"));
    this.where = "frame";
  }

  async goto(url) {
    this.where = "top";
    await this.d.goto(url);
  }

  /** Run a script body in the capture frame or the checkout page. */
  async run(frame, body, args, async) {
    await (frame ? this.toFrame() : this.toTop());
    return async ? this.d.executeAsync(body, args) : this.d.execute(body, args);
  }

  inFrame(body, args = []) {
    return this.run(true, body, args, false);
  }

  inFrameAsync(body, args = []) {
    return this.run(true, body, args, true);
  }

  inTop(body, args = []) {
    return this.run(false, body, args, false);
  }

  inTopAsync(body, args = []) {
    return this.run(false, body, args, true);
  }

  async clickTop(css) {
    await this.toTop();
    await this.d.click(await this.d.find(css));
  }

  /** WebKit's WebDriver scrolls an element into view within its frame
   * but not the frame within the page: a click on a button below the
   * checkout's fold lands nowhere, silently. Both are scrolled first, as a
   * shopper would. */
  async reveal(css) {
    await this.toFrame();
    const y = await this.d.execute(
      `const e = document.querySelector(arguments[0]); if (!e) return null; e.scrollIntoView({ block: "center" });
       const r = e.getBoundingClientRect(); return r.top + r.height / 2;`,
      [css],
    );
    if (y === null) return false;
    await this.toTop();
    await this.d.execute(`const f = document.querySelector("iframe").getBoundingClientRect(); window.scrollBy(0, f.top + arguments[0] - innerHeight / 2);`, [y]);
    await this.toFrame();
    return true;
  }

  async click(css) {
    await this.until(async () => (await this.reveal(css)) && (await this.d.click(await this.d.find(css)), true), css, 10000);
  }

  /** The enabled button whose text is `name`: marked, revealed, clicked in
   * one attempt (retried whole if the page re-rendered meanwhile). */
  async clickButton(name) {
    const marked = 'button[data-e2e-click="1"]';
    await this.until(
      async () => {
        await this.toFrame();
        const found = await this.d.execute(
          `const b = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === arguments[0] && !b.disabled);
           if (!b) return false; b.dataset.e2eClick = "1"; return true;`,
          [name],
        );
        if (!found) return false;
        try {
          await this.reveal(marked);
          await this.d.click(await this.d.find(marked));
          return true;
        } finally {
          await this.inFrame(`document.querySelectorAll("[data-e2e-click]").forEach((b) => delete b.dataset.e2eClick)`).catch(() => {});
        }
      },
      `button ${name}`,
      10000,
    );
  }

  async shot(name) {
    await this.toTop();
    // WebKit paints asynchronously: a moment for the last change to show.
    await sleep(400);
    writeFileSync(join(this.screens, `${name}.png`), await this.d.screenshot());
  }

  /** The requests the pages made, from the Resource Timing entries of both
   * documents (WebDriver has no network events). */
  async requests() {
    const top = await this.inTop(`return performance.getEntriesByType("resource").map((e) => e.name).concat([location.href])`);
    const frame = await this.inFrame(`return performance.getEntriesByType("resource").map((e) => e.name).concat([location.href])`);
    return [...top, ...frame];
  }

  async close() {
    await this.d?.quit();
  }
}

/** A new shopper in `engine` ("chromium", "firefox" or "webkit"). */
export async function shopper(engine, screens, port) {
  return engine === "webkit" ? WebKitShopper.launch(engine, screens, port) : PlaywrightShopper.launch(engine, screens);
}
