#!/usr/bin/env node
// Content-hashed names for the built app's assets, and their precompressed
// copies. Run by Trunk after each build (a `post_build` hook in Trunk.toml,
// on its staging directory), or by hand on a built directory:
//   node tools/hash-assets.mjs [DIR]
//
// Why not Trunk's own `filehash`: its loader is an inline <script>, which
// the capture's CSP forbids, so the page starts from an external
// `boot.js` that must name the wasm-bindgen glue and the wasm. This script
// gives the glue, the wasm, the stylesheet and boot.js a name from their
// content (`name-<16 hex of SHA-256>.ext`), rewrites the references
// (boot.js -> glue and wasm, index.html -> boot.js and the stylesheet), and
// adds `modulepreload`/`preload` hints and subresource integrity for
// boot.js. The server caches a hashed name for a year (`immutable`) and
// `index.html`, `embed.js` and the model never without revalidating, so a
// browser that cached a build can never pair its glue with a newer wasm: a
// new build is new names, reached from an index.html it always revalidates.
//
// It is idempotent and works on a directory already hashed (a copy of a
// build with one file changed gets new names for what changed), which the
// e2e cache test uses. Then every text and wasm asset gets a `.br`
// (quality 11) and a `.gz` (level 9) next to it, served by content
// negotiation (tower-http's ServeDir::precompressed_*), so nothing is
// compressed per request.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const dir = process.argv[2] ?? process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error("usage: hash-assets.mjs DIR (or run as a Trunk hook)");
  process.exit(2);
}

const H = "(?:-[0-9a-f]{16})?";
const hex = (buf) => createHash("sha256").update(buf).digest("hex").slice(0, 16);
const sri = (buf) => "sha384-" + createHash("sha384").update(buf).digest("base64");

/** The one file in `dir` matching `stem[-hash]ext`; its contents passed
 * through `rewrite`, written under its content's name. Returns that name
 * and the bytes. */
function hashOne(stem, ext, rewrite = (b) => b) {
  const re = new RegExp(`^${stem}${H}${ext.replace(".", "\\.")}$`);
  const found = readdirSync(dir).filter((f) => re.test(f));
  if (found.length !== 1) throw new Error(`${dir}: expected one ${stem}*${ext}, found ${JSON.stringify(found)}`);
  const bytes = rewrite(readFileSync(join(dir, found[0])));
  const name = `${stem}-${hex(bytes)}${ext}`;
  for (const c of [".br", ".gz"]) rmSync(join(dir, found[0] + c), { force: true });
  writeFileSync(join(dir, found[0]), bytes);
  if (name !== found[0]) renameSync(join(dir, found[0]), join(dir, name));
  return { name, bytes };
}

const text = (f) => (b) => Buffer.from(f(b.toString("utf8")), "utf8");

// The first screen as index.html's own markup (static/shell.js sets the
// language, the stylesheet shows that copy, static/boot.js keeps a press
// for the app): the welcome, as src/ui/welcome.rs draws it, in the five
// languages, its words taken from i18n/*.ftl so the two never disagree.
const LANGS = ["fr", "es", "it", "pt", "en"];
const SHELL_KEYS = [
  "app-title",
  "welcome-title",
  "welcome-intro",
  "welcome-need-document",
  "welcome-need-camera",
  "welcome-need-hour",
  "welcome-start",
  "handoff-choice",
  "shell-wait",
];
const I18N = join(dirname(fileURLToPath(import.meta.url)), "..", "i18n");
const escapeHtml = (v) =>
  v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** The shell's messages of one language: single-line FTL messages without
 * placeables (anything else is refused, so the build fails rather than
 * drawing a half-translated screen). */
function shellWords(lang) {
  const ftl = readFileSync(join(I18N, `${lang}.ftl`), "utf8");
  const words = {};
  for (const key of SHELL_KEYS) {
    const m = ftl.match(new RegExp(`^${key} = (.+)$`, "m"));
    const next = m && ftl.slice(m.index + m[0].length + 1).split("\n")[0];
    if (!m || /[{}]/.test(m[1]) || (next && /^\s+\S/.test(next))) {
      throw new Error(`i18n/${lang}.ftl: ${key} is missing, multi-line or has a placeable`);
    }
    words[key] = escapeHtml(m[1].trim());
  }
  return words;
}
function shellMarkup() {
  const copies = LANGS.map((lang) => {
    const w = shellWords(lang);
    return `      <div lang="${lang}">
        <header class="topbar"><span class="brand">${w["app-title"]}</span></header>
        <section class="screen">
          <h1>${w["welcome-title"]}</h1>
          <p>${w["welcome-intro"]}</p>
          <ul class="needs">
            <li>${w["welcome-need-document"]}</li>
            <li>${w["welcome-need-camera"]}</li>
            <li>${w["welcome-need-hour"]}</li>
          </ul>
          <div class="actions">
            <button type="button" class="primary" data-intent="start">${w["welcome-start"]}</button>
            <button type="button" class="secondary" data-intent="handoff">${w["handoff-choice"]}</button>
          </div>
          <p class="shell-status" role="status" data-wait="${w["shell-wait"]}"></p>
        </section>
      </div>`;
  });
  return `    <main class="app shell">\n${copies.join("\n")}\n    </main>`;
}

const wasm = hashOne("idcapture", "_bg.wasm");
// The glue's default wasm URL (unused: boot.js passes the path) named too.
const glue = hashOne(
  "idcapture",
  ".js",
  text((s) => s.replace(new RegExp(`idcapture${H}_bg\\.wasm`, "g"), wasm.name)),
);
// The analysis worker: its module, its glue (wasm-bindgen `no-modules`)
// and its boot script, which the page finds in a <meta> of index.html.
const awasm = hashOne("idcapture-analysis", "_bg.wasm");
const aglue = hashOne(
  "idcapture-analysis",
  ".js",
  text((s) => s.replace(new RegExp(`idcapture-analysis${H}_bg\\.wasm`, "g"), awasm.name)),
);
// Its SIMD build (tools/post-build.sh), chosen by analysis.js.
const swasm = hashOne("idcapture-analysis-simd", "_bg.wasm");
const sglue = hashOne(
  "idcapture-analysis-simd",
  ".js",
  text((s) => s.replace(new RegExp(`idcapture-analysis-simd${H}_bg\\.wasm`, "g"), swasm.name)),
);
const aboot = hashOne(
  "analysis",
  ".js",
  text((s) =>
    s
      .replace(new RegExp(`/idcapture-analysis${H}\\.js`, "g"), `/${aglue.name}`)
      .replace(new RegExp(`/idcapture-analysis${H}_bg\\.wasm`, "g"), `/${awasm.name}`)
      .replace(new RegExp(`/idcapture-analysis-simd${H}\\.js`, "g"), `/${sglue.name}`)
      .replace(new RegExp(`/idcapture-analysis-simd${H}_bg\\.wasm`, "g"), `/${swasm.name}`),
  ),
);
for (const f of [aglue, awasm, sglue, swasm]) {
  if (!aboot.bytes.includes(`"/${f.name}"`)) throw new Error(`analysis.js does not name ${f.name}`);
}
const css = hashOne("app", ".css");
const shellJs = hashOne("shell", ".js");
const boot = hashOne(
  "boot",
  ".js",
  text((s) =>
    s
      .replace(new RegExp(`/idcapture${H}\\.js`, "g"), `/${glue.name}`)
      .replace(new RegExp(`/idcapture${H}_bg\\.wasm`, "g"), `/${wasm.name}`),
  ),
);
if (!boot.bytes.includes(`/${glue.name}`) || !boot.bytes.includes(`/${wasm.name}`)) {
  throw new Error("boot.js does not name the glue and the wasm");
}

// index.html: hints and references, rebuilt the same way on every run.
const indexPath = join(dir, "index.html");
let html = readFileSync(indexPath, "utf8")
  .replace(/^\s*<link (?:rel="modulepreload"|rel="preload")[^>]*>\n/gm, "")
  .replace(/^\s*<link data-trunk [^>]*>\n/gm, "")
  .replace(/^\s*<meta name="idcapture-analysis"[^>]*>\n/gm, "")
  // The stylesheet's link: its name and its integrity (Trunk's, or a
  // previous run's, would not match a changed file).
  .replace(
    /<link rel="stylesheet" href="\/app[^"]*"[^>]*>/,
    () => `<link rel="stylesheet" href="/${css.name}" integrity="${sri(css.bytes)}" />`,
  )
  .replace(
    /<script src="\/shell[^"]*"[^>]*><\/script>/,
    () => `<script src="/${shellJs.name}" integrity="${sri(shellJs.bytes)}"></script>`,
  )
  // Filled once, from the FTL files of the build that made this index.html
  // (a run on a built directory leaves its words as they are).
  .replace(/(<!-- shell[^\n]*-->)\s*(<!-- \/shell -->)/, (_, open, close) => `${open}\n${shellMarkup()}\n    ${close}`)
  .replace(/<script type="module" src="\/boot[^"]*"[^>]*><\/script>/, () => {
    return (
      `<meta name="idcapture-analysis" content="/${aboot.name}" />\n` +
      `    <link rel="modulepreload" href="/${glue.name}" />\n` +
      `    <link rel="preload" href="/${wasm.name}" as="fetch" type="application/wasm" crossorigin />\n` +
      `    <script type="module" src="/${boot.name}" integrity="${sri(boot.bytes)}"></script>`
    );
  });
if (!html.includes(`src="/${boot.name}"`) || !html.includes(`/${css.name}`) || !html.includes(`"/${aboot.name}"`)) {
  throw new Error("index.html does not load boot.js and the stylesheet");
}
if (!html.includes(`src="/${shellJs.name}"`) || !html.includes('<main class="app shell"')) {
  throw new Error("index.html does not carry its first screen and shell.js");
}
writeFileSync(indexPath, html);

// Precompressed copies of everything served that compresses.
const COMPRESS = /\.(?:html|js|css|wasm|bin|json|svg)$/;
function walk(d) {
  for (const f of readdirSync(d)) {
    const p = join(d, f);
    if (statSync(p).isDirectory()) {
      walk(p);
      continue;
    }
    if (!COMPRESS.test(f)) continue;
    const raw = readFileSync(p);
    const br = brotliCompressSync(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    });
    const gz = gzipSync(raw, { level: 9 });
    // Only where it saves: the server falls back to the file itself.
    for (const [ext, c] of [
      [".br", br],
      [".gz", gz],
    ]) {
      if (c.length < raw.length) writeFileSync(p + ext, c);
      else rmSync(p + ext, { force: true });
    }
  }
}
walk(dir);
console.log(`hash-assets: ${wasm.name} ${glue.name} ${css.name} ${shellJs.name} ${boot.name} ${awasm.name} ${aglue.name} ${swasm.name} ${sglue.name} ${aboot.name}`);
