// A minimal W3C WebDriver client (https://www.w3.org/TR/webdriver2/) over
// fetch, enough to drive WebKitGTK's MiniBrowser through Debian's
// WebKitWebDriver: Playwright cannot drive a system WebKit, and a WebDriver
// library would be one more dependency for a dozen commands.
import { spawn } from "node:child_process";

const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class WebDriverError extends Error {
  constructor(status, value) {
    super(`WebDriver ${status}: ${value?.error}: ${value?.message}`);
    this.error = value?.error;
  }
}

/** A display for engines that need one: Xvfb on the first free number
 * (`-displayfd`), killed with the driver. Started directly rather than by
 * `xvfb-run`, whose clean-up a signal to its group skips. */
async function startXvfb() {
  const xvfb = spawn("Xvfb", ["-displayfd", "1", "-screen", "0", "1280x1200x24", "-nolisten", "tcp"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let timer;
  try {
    const display = await new Promise((resolve, reject) => {
      let out = "";
      timer = setTimeout(() => reject(new Error("Xvfb did not start")), 10000);
      xvfb.stdout.on("data", (d) => {
        out += d;
        if (out.includes("\n")) resolve(out.trim());
      });
      xvfb.on("error", reject);
      xvfb.on("exit", (code) => reject(new Error(`Xvfb exited (${code})`)));
    });
    return { xvfb, display: `:${display}` };
  } catch (e) {
    xvfb.kill("SIGTERM");
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

const exited = (p) => p.exitCode !== null || p.signalCode !== null;

/** A WebDriver server process (on its own display when `display`) and one
 * session on it. Whatever happens (a failed session, a crashed test), its
 * processes are killed: the driver's group (the driver and the browser it
 * started) and the display. */
export class Driver {
  static async start({ command, args = [], port, capabilities, display = false }) {
    const screen = display ? await startXvfb() : null;
    const env = screen ? { ...process.env, DISPLAY: screen.display } : process.env;
    const proc = spawn(command, [...args, `--port=${port}`], { stdio: ["ignore", "ignore", "pipe"], detached: true, env });
    let spawnError = null;
    proc.once("error", (e) => (spawnError = e));
    // The whole group (the driver may be gone and its browser not), then
    // the display (SIGTERM: Xvfb removes its lock file).
    const kill = () => {
      try {
        process.kill(-proc.pid, "SIGKILL");
      } catch {}
      try {
        screen?.xvfb.kill("SIGTERM");
      } catch {}
    };
    process.on("exit", kill);
    // An interrupted run (Ctrl-C, a CI timeout) does not leave them behind:
    // they are in their own process group, which the signal never reaches.
    const interrupted = (signal) => {
      kill();
      process.exit(signal === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", interrupted);
    process.once("SIGTERM", interrupted);
    let stderr = "";
    proc.stderr.on("data", (d) => (stderr = (stderr + d).slice(-4000)));
    const base = `http://127.0.0.1:${port}`;
    try {
      for (let i = 0; ; i++) {
        try {
          const r = await fetch(`${base}/status`);
          if (r.ok && (await r.json()).value?.ready) break;
        } catch {}
        if (spawnError) throw new Error(`${command}: ${spawnError.message}`);
        if (i > 100 || exited(proc)) throw new Error(`${command} did not start: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const d = new Driver(base, proc, screen?.xvfb, kill, interrupted);
      const { sessionId, capabilities: got } = await d.raw("POST", "/session", { capabilities: { alwaysMatch: capabilities } });
      d.session = sessionId;
      d.capabilities = got;
      return d;
    } catch (e) {
      kill();
      process.off("exit", kill);
      process.off("SIGINT", interrupted);
      process.off("SIGTERM", interrupted);
      throw e;
    }
  }

  constructor(base, proc, xvfb, kill, interrupted) {
    this.base = base;
    this.proc = proc;
    this.xvfb = xvfb;
    this.kill = kill;
    this.interrupted = interrupted;
  }

  async raw(method, path, body) {
    const r = await fetch(this.base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await r.json().catch(() => ({}));
    if (!r.ok) throw new WebDriverError(r.status, json.value);
    return json.value;
  }

  cmd(method, path, body) {
    return this.raw(method, `/session/${this.session}${path}`, body);
  }

  goto(url) {
    return this.cmd("POST", "/url", { url });
  }

  /** Run `script` (a function body; `arguments` holds `args`) in the
   * current browsing context. */
  execute(script, args = []) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** The same, awaiting the promise the body returns. */
  executeAsync(script, args = []) {
    const body = `const done = arguments[arguments.length - 1];
      Promise.resolve().then(() => (async function () { ${script} }).apply(null, Array.from(arguments).slice(0, -1)))
        .then((v) => done({ ok: v }), (e) => done({ err: String(e && e.stack || e) }));`;
    return this.cmd("POST", "/execute/async", { script: body, args }).then((r) => {
      if (r && "err" in r) throw new Error(r.err);
      return r?.ok;
    });
  }

  async find(css) {
    const v = await this.cmd("POST", "/element", { using: "css selector", value: css });
    return v[ELEMENT];
  }

  async findAll(css) {
    const v = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return v.map((e) => e[ELEMENT]);
  }

  click(elementId) {
    return this.cmd("POST", `/element/${elementId}/click`, {});
  }

  /** Into the frame that `elementId` (an iframe) holds; `null`: the top. */
  frame(elementId) {
    return this.cmd("POST", "/frame", { id: elementId === null ? null : { [ELEMENT]: elementId } });
  }

  async screenshot() {
    return Buffer.from(await this.cmd("GET", "/screenshot"), "base64");
  }

  setWindow(width, height) {
    return this.cmd("POST", "/window/rect", { width, height });
  }

  /** End the session, then the driver and its display; resolves once the
   * driver is gone (its port free for the next one). */
  async quit() {
    try {
      if (this.session) await Promise.race([this.raw("DELETE", `/session/${this.session}`), new Promise((r) => setTimeout(r, 5000))]);
    } catch {}
    if (!exited(this.proc)) {
      const gone = new Promise((r) => this.proc.once("exit", r));
      try {
        process.kill(-this.proc.pid, "SIGTERM");
      } catch {}
      await Promise.race([gone, new Promise((r) => setTimeout(r, 5000))]);
    }
    this.kill();
    process.off("exit", this.kill);
    process.off("SIGINT", this.interrupted);
    process.off("SIGTERM", this.interrupted);
  }
}
