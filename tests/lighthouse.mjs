// Lighthouse 12.2.3 (mobile preset: emulated phone, simulated slow 4G and
// CPU throttling) on the capture app as a shopper opens it from a link,
// Chromium from Debian. Prints the scores; exits 1 when accessibility is
// under 98 or best practices under 95. Performance (goal: 90) is a timing
// on a shared, noisy machine: printed and flagged, never a test failure.
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startServer, ROOT, DEMO } from "./e2e/harness.mjs";

const THRESHOLDS = { accessibility: 98, "best-practices": 95, performance: 90 };
const ENFORCED = new Set(["accessibility", "best-practices"]);

const server = await startServer();
let chrome;
let failed = false;
try {
  const s = await (await fetch(`${DEMO}/demo/session`, { method: "POST" })).json();
  const url = s.capture_url + "&lang=fr";
  chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROMIUM || "/usr/bin/chromium",
    chromeFlags: [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
  // Lighthouse sometimes fails to record the trace (NO_NAVSTART and
  // similar runtime errors, whose message says to run it again): a run
  // with a runtime error measured nothing, so it is run again, up to 3 times.
  let lhr;
  for (let attempt = 1; attempt <= 3; attempt++) {
    const result = await lighthouse(url, {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: Object.keys(THRESHOLDS),
    });
    lhr = result.lhr;
    if (!lhr.runtimeError) break;
    console.log(`lighthouse run ${attempt}: ${lhr.runtimeError.code}, running again`);
  }
  if (lhr.runtimeError) {
    console.log(`lighthouse could not measure: ${lhr.runtimeError.message}`);
    failed = true;
  }
  mkdirSync(join(ROOT, "target"), { recursive: true });
  writeFileSync(join(ROOT, "target/lighthouse.json"), JSON.stringify(lhr, null, 1));
  for (const [id, min] of Object.entries(THRESHOLDS)) {
    const score = Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const verdict = score >= min ? "ok" : ENFORCED.has(id) ? "FAIL" : "below the goal (not enforced: a timing)";
    console.log(`lighthouse ${id}: ${score} (at least ${min}) ${verdict}`);
    if (score < min && ENFORCED.has(id)) failed = true;
  }
  for (const id of ["first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift", "speed-index"]) {
    console.log(`  ${id}: ${lhr.audits[id]?.displayValue}`);
  }
  for (const [cid, cat] of Object.entries(lhr.categories)) {
    for (const ref of cat.auditRefs) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`  ${cid} loses on ${ref.id}: ${a.title} (${a.displayValue ?? a.score})`);
    }
  }
} finally {
  await chrome?.kill();
  server.stop();
}
process.exit(failed ? 1 : 0);
