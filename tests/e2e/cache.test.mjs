// A browser that cached one build loads the next one whole: the page is
// never cached, every asset it names is named after its content and cached
// for a year, so a new wasm is a new name and can never meet an old glue.
//
// Two builds are made from dist/: the first as built, the second with a
// custom section added to the wasm and a comment to the glue, renamed by
// tools/hash-assets.mjs as the Trunk hook does. The server serves a
// symlink that is switched from one to the other between two visits, the
// browser's HTTP cache on (CDP says what came from it).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { appendFileSync, cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CAPTURE, ROOT, launch, startServer } from "./harness.mjs";

/** A wasm custom section (id 0): harmless to the module, new bytes. */
function customSection(name, payload) {
  const leb = (n) => {
    const out = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const body = [...leb(name.length), ...Buffer.from(name), ...Buffer.from(payload)];
  return Buffer.from([0, ...leb(body.length), ...body]);
}

const named = (dir, re) => readdirSync(dir).find((f) => re.test(f));

test("after a new build, a browser with the old one cached loads the new pair", async () => {
  const base = mkdtempSync(join(tmpdir(), "idcapture-cache-"));
  const a = join(base, "a");
  const b = join(base, "b");
  cpSync(join(ROOT, "dist"), a, { recursive: true });
  cpSync(join(ROOT, "dist"), b, { recursive: true });
  const wasmA = named(a, /^idcapture-[0-9a-f]{16}_bg\.wasm$/);
  const glueA = named(a, /^idcapture-[0-9a-f]{16}\.js$/);
  assert.ok(wasmA && glueA, `dist/ is not hashed: ${readdirSync(a)}`);
  appendFileSync(join(b, wasmA), customSection("idcapture.build", "B"));
  appendFileSync(join(b, glueA), "\n// build B\n");
  execFileSync("node", [join(ROOT, "tools/hash-assets.mjs"), b]);
  const wasmB = named(b, /^idcapture-[0-9a-f]{16}_bg\.wasm$/);
  assert.notEqual(wasmB, wasmA);
  const live = join(base, "live");
  symlinkSync(a, live);

  const server = await startServer({ app: live });
  const browser = await launch();
  try {
    const context = await browser.newContext();
    /** One visit in a new tab: the responses, and whether each came from
     * the HTTP cache. */
    const visit = async () => {
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send("Network.enable");
      const seen = new Map();
      cdp.on("Network.responseReceived", ({ response }) => {
        seen.set(new URL(response.url).pathname, { status: response.status, cached: response.fromDiskCache });
      });
      const errors = [];
      page.on("pageerror", (e) => errors.push(String(e)));
      await page.goto(`${CAPTURE}/`);
      // The app ran: Yew drew a screen.
      await page.locator("[data-screen]").first().waitFor({ timeout: 20000 });
      await page.close();
      return { seen, errors };
    };

    const first = await visit();
    assert.equal(first.seen.get(`/${wasmA}`)?.cached, false, "first visit downloads the wasm");
    const second = await visit();
    assert.equal(second.seen.get(`/${wasmA}`)?.cached, true, "second visit takes the wasm from the cache");
    assert.equal(second.seen.get(`/${glueA}`)?.cached, true, "and the glue");
    assert.equal(second.seen.get("/")?.cached, false, "the page itself is always fetched");

    // A deploy: the server now serves the second build.
    rmSync(live);
    symlinkSync(b, live);
    const third = await visit();
    assert.deepEqual(third.errors, []);
    assert.equal(third.seen.get(`/${wasmB}`)?.status, 200, `the new wasm is loaded: ${[...third.seen.keys()]}`);
    assert.equal(third.seen.get(`/${wasmB}`)?.cached, false);
    assert.ok(!third.seen.has(`/${wasmA}`), "the old wasm is not asked for");
    assert.ok(!third.seen.has(`/${glueA}`), "nor the old glue");
  } finally {
    await browser.close();
    await server.stop();
    rmSync(base, { recursive: true, force: true });
  }
});
