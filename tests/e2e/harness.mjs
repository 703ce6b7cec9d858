// Shared set-up for the end-to-end tests: the reference server on two
// loopback origins, Debian's Chromium driven by playwright-core with a fake
// camera fed from a y4m clip, screenshots and axe checks.
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, mkdirSync, existsSync, statSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { before, after } from "node:test";
import { chromium } from "playwright-core";
import AxeBuilder from "@axe-core/playwright";

export const ROOT = resolve(import.meta.dirname, "../..");
// Ports of this test file's own server (each test file runs in its own
// process): random, so concurrent runs on one machine do not meet, and
// below Linux's ephemeral range (32768 up), where the browser's own
// outgoing connections could already hold one.
// Five per file: demo, capture, demo2, and for engines.test.mjs the server
// behind its proxy and the WebDriver server.
const base = 20000 + Math.floor(Math.random() * 2400) * 5;
export const DEMO_PORT = Number(process.env.E2E_DEMO_PORT || base);
export const CAPTURE_PORT = Number(process.env.E2E_CAPTURE_PORT || base + 1);
export const DEMO2_PORT = Number(process.env.E2E_DEMO2_PORT || base + 2);
// engines.test.mjs: the reference server behind its proxy (the proxy holds
// the capture port), and the WebDriver server.
export const UPSTREAM_PORT = Number(process.env.E2E_UPSTREAM_PORT || base + 3);
export const WEBDRIVER_PORT = Number(process.env.E2E_WEBDRIVER_PORT || base + 4);
export const DEMO = `http://127.0.0.1:${DEMO_PORT}`;
export const CAPTURE = `http://localhost:${CAPTURE_PORT}`;
// A second merchant (`demo2`), on its own origin.
export const DEMO2 = `http://127.0.0.1:${DEMO2_PORT}`;
export const SCREENS = join(ROOT, "target/e2e-screens");

/** Build (once) a y4m clip from a fixture frame the repository ships, at
 * `fps` frames per second (Chromium's fake camera plays it at that rate),
 * the frame moved by up to `shake` px from one frame to the next. */
export function clip(fixture, fps = 15, shake = 1.5) {
  const dir = join(ROOT, "target/e2e");
  mkdirSync(dir, { recursive: true });
  const suffix = (fps === 15 ? "" : `-${fps}fps`) + (shake === 1.5 ? "" : `-shake${shake}`);
  const out = join(dir, fixture.replace(/\.\w+$/, suffix + ".y4m"));
  mkdirSync(dirname(out), { recursive: true });
  // A clip older than the tool that makes it is made again (written aside,
  // then renamed: a run never reads half a clip).
  const tool = join(ROOT, "target/release/make-y4m");
  if (!existsSync(tool)) throw new Error(`${tool} is not built (scripts/build builds it)`);
  if (!existsSync(out) || statSync(out).mtimeMs < statSync(tool).mtimeMs) {
    // A shaking clip is longer, so its loop does not bring the frame back
    // to the same place within the steadiness window.
    const frames = shake === 1.5 ? "10" : "25";
    const part = `${out}.${process.pid}.part`;
    try {
      execFileSync(tool, [join(ROOT, "tests/fixtures", fixture), part, frames, String(fps), String(shake)]);
      renameSync(part, out);
    } finally {
      rmSync(part, { force: true });
    }
  }
  return out;
}

/** Start the reference server with a fresh data directory and a test clock.
 * The previous file's server may still be letting go of the ports (it was
 * sent SIGTERM as that file ended): a start that fails on a port in use is
 * tried again for a few seconds. `stop()` resolves once the process exited.
 * `captureAddr`: where the capture origin listens (engines.test.mjs puts
 * its proxy on the capture port and the server behind it); `app`: the built
 * app it serves (cache.test.mjs switches builds under it). */
export async function startServer({ captureAddr = `127.0.0.1:${CAPTURE_PORT}`, app = join(ROOT, "dist") } = {}) {
  const data = mkdtempSync(join(tmpdir(), "idcapture-e2e-"));
  for (let attempt = 0; attempt < 30; attempt++) {
    const proc = spawn(join(ROOT, "target/release/idcapture-server"), [], {
      env: {
        ...process.env,
        IDCAPTURE_DATA: data,
        IDCAPTURE_APP: app,
        IDCAPTURE_CAPTURE_ADDR: captureAddr,
        IDCAPTURE_DEMO_ADDR: `127.0.0.1:${DEMO_PORT}`,
        IDCAPTURE_CAPTURE_ORIGIN: CAPTURE,
        IDCAPTURE_DEMO_ORIGIN: DEMO,
        IDCAPTURE_DEMO2_ADDR: `127.0.0.1:${DEMO2_PORT}`,
        IDCAPTURE_DEMO2_ORIGIN: DEMO2,
        IDCAPTURE_TEST_CLOCK: "1",
        RUST_LOG: "warn",
      },
      stdio: ["ignore", "inherit", "inherit"],
    });
    let exited = false;
    const gone = new Promise((r) => proc.on("exit", () => ((exited = true), r())));
    // SIGTERM, then SIGKILL if the process is still there after 5 s.
    const stop = () => {
      if (exited) return Promise.resolve();
      proc.kill("SIGTERM");
      const kill = setTimeout(() => proc.kill("SIGKILL"), 5000);
      return gone.then(() => clearTimeout(kill));
    };
    for (let i = 0; i < 100 && !exited; i++) {
      try {
        const r = await fetch(`${DEMO}/demo/config`);
        // Answered by this process, not by the previous file's server
        // still on the port: it is alive a moment later.
        await new Promise((r) => setTimeout(r, 50));
        if (r.ok && !exited) return { proc, data, stop };
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!exited) {
      await stop();
      throw new Error("server did not start");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("server exited at start 30 times (ports in use?)");
}

/** Launch Debian's Chromium with a fake camera fed from `y4m` (or none). */
export async function launch(y4m) {
  const args = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--use-fake-ui-for-media-stream",
    // The capture iframe in the renderer of its parent, as Chrome on most
    // phones runs it (full site isolation is a desktop default). Headless
    // desktop Chromium hit-tests an out-of-process iframe asynchronously and
    // sometimes drops a click sent just after the frame changes screen; the
    // same-origin rules, CSP and permissions policy are the same either way.
    "--disable-site-isolation-trials",
    "--disable-features=IsolateOrigins,site-per-process",
  ];
  if (y4m) args.push("--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${y4m}`);
  return chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium", headless: true, args });
}

/** Count the object URLs alive in every frame of `context`
 * (`window.__liveUrls`): an image dropped revokes its URL. */
export async function trackObjectUrls(context) {
  await context.addInitScript(() => {
    const live = new Set();
    const create = URL.createObjectURL.bind(URL);
    const revoke = URL.revokeObjectURL.bind(URL);
    URL.createObjectURL = (b) => {
      const u = create(b);
      live.add(u);
      return u;
    };
    URL.revokeObjectURL = (u) => {
      live.delete(u);
      return revoke(u);
    };
    window.__liveUrls = live;
  });
}

/** Record every request a page makes (to check origins and tokens). */
export function recordRequests(page) {
  const urls = [];
  page.on("request", (r) => urls.push(r.url()));
  return urls;
}

/** Screenshot of what the shopper sees, named after the screen. Not
 * `fullPage`: Chromium's full-page capture resizes the viewport, and with
 * a cross-origin (out-of-process) iframe later clicks can miss their
 * target. The capture iframe is scrolled into view instead. */
export async function shot(page, name) {
  mkdirSync(SCREENS, { recursive: true });
  const frame = page.locator("iframe");
  if (await frame.count()) await frame.first().scrollIntoViewIfNeeded().catch(() => {});
  await page.screenshot({ path: join(SCREENS, `${name}.png`) });
}

/** axe on the page and its frames: returns the violations. */
export async function axe(page) {
  const r = await new AxeBuilder({ page }).analyze();
  return r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

/** Read the session through the API, as the merchant's back office would. */
export async function readSession(id, token) {
  const r = await fetch(`${CAPTURE}/api/sessions/${id}`, { headers: { authorization: `Bearer ${token}` } });
  return r.json();
}

/** Register the file's server and browsers: one with a fake camera fed from
 * `fixture`, and with `noCamera` one without any camera. */
export function suite({ fixture = "doc_good_001.jpg", noCamera = false } = {}) {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launch(clip(fixture));
    if (noCamera) env.noCamBrowser = await launch(null);
  });
  after(async () => {
    await env.browser?.close();
    await env.noCamBrowser?.close();
    await env.server?.stop();
  });
  return env;
}

/** Open the demo checkout (`demo`: the first merchant's, or DEMO2), start
 * the check, and return the page, the capture frame, the iframe's URL and
 * the session's id and token (from the merchant back end's answer: the
 * token is in no URL and no attribute of the page).
 * Suites that drive the shutter themselves get auto-capture off (the
 * merchant's `autoCapture: false`), so a good frame does not shoot before
 * their click; `{ auto: true }` keeps it on. */
export async function openCheckout(context, query = "", { auto = false, demo = DEMO } = {}) {
  const page = await context.newPage();
  const params = new URLSearchParams(query.replace(/^\?/, ""));
  if (!auto) params.set("auto", "0");
  const qs = params.toString();
  await page.goto(demo + "/" + (qs ? "?" + qs : ""));
  const created = page.waitForResponse((r) => r.url() === `${demo}/demo/session`);
  await page.click("#start");
  const session = await (await created).json();
  const iframe = page.locator("iframe");
  await iframe.waitFor();
  const src = await iframe.getAttribute("src");
  return { page, frame: page.frameLocator("iframe"), id: session.id, token: session.token, src };
}

/** Wait for a screen of the capture; on failure say what is shown instead. */
export async function at(frame, name, timeout = 20000) {
  try {
    await frame.locator(`[data-screen="${name}"]`).waitFor({ timeout });
  } catch (e) {
    const text = await frame.locator("main").innerText().catch(() => "(no main)");
    throw new Error(`screen ${name} not reached; showing: ${text.slice(0, 400)}`);
  }
}
