// The capture origin as WebKit and Firefox see it in the e2e: a pass-through
// proxy in front of the reference server that adds one script to the app's
// pages, `/__e2e/fakecam.js` (the fake camera, see fakecam.js), and serves
// the fixture pictures it draws under `/__e2e/pictures/`. Nothing of it is
// in the product: the server and the app are the ones shoppers get, their
// CSP unchanged (the script comes from the page's own origin, 'self').
//
// Why a served script rather than one injected by the test: it is the same
// in every engine and driver (WebDriver has no script to run before a
// page's own, Playwright has), it is in place before the app's module runs
// (no race with the first camera request), and it comes from the page's
// origin, so the capture's CSP needs no exception.
import http from "node:http";
import { readFileSync, existsSync, statSync } from "node:fs";
import { join, resolve, relative, isAbsolute } from "node:path";

const HERE = new URL(".", import.meta.url).pathname;

export function startProxy({ listen, target, fixtures }) {
  const fakecam = readFileSync(join(HERE, "fakecam.js"));
  const picturesDir = resolve(fixtures);
  const handle = (req, res) => {
    const path = req.url.split("?")[0];
    if (path === "/__e2e/fakecam.js") {
      res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-store" });
      return res.end(fakecam);
    }
    if (path.startsWith("/__e2e/pictures/")) {
      // A file under the fixtures folder only.
      const file = resolve(picturesDir, decodeURIComponent(path.slice("/__e2e/pictures/".length)));
      const rel = relative(picturesDir, file);
      if (!rel || rel.startsWith("..") || isAbsolute(rel) || !existsSync(file) || !statSync(file).isFile()) {
        res.writeHead(404);
        return res.end();
      }
      res.writeHead(200, { "content-type": file.endsWith(".png") ? "image/png" : "image/jpeg", "cache-control": "no-store" });
      return res.end(readFileSync(file));
    }
    const upstream = http.request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, "accept-encoding": "identity" } },
      (up) => {
        const html = (up.headers["content-type"] || "").startsWith("text/html");
        if (!html) {
          res.writeHead(up.statusCode, up.headers);
          return up.pipe(res);
        }
        const chunks = [];
        up.on("data", (c) => chunks.push(c));
        up.on("end", () => {
          let body = Buffer.concat(chunks).toString("utf8");
          // First in <head>: before the app's module runs.
          body = body.replace(/<head([^>]*)>/i, (m) => `${m}<script src="/__e2e/fakecam.js"></script>`);
          const headers = { ...up.headers };
          delete headers["content-length"];
          delete headers["etag"];
          res.writeHead(up.statusCode, headers);
          res.end(body);
        });
      },
    );
    upstream.on("error", () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  };
  // A bad request (a malformed escape, a vanished file) answers 400 and
  // never takes the test process down.
  const server = http.createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      if (!res.headersSent) res.writeHead(400);
      res.end();
    }
  });
  return new Promise((resolve) =>
    server.listen(listen.port, listen.host, () =>
      resolve({ close: () => new Promise((r) => (server.closeAllConnections?.(), server.close(() => r()))) }),
    ),
  );
}
