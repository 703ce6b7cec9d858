// The demo merchant's checkout page: asks its own back end for a capture
// session (server to server: the merchant key never reaches the browser),
// then embeds the capture with the embed loader served by the capture
// origin, and lists the events it receives. `?nocamera` embeds without the
// camera permission, as a misconfigured merchant would; `?auto=0` turns
// auto-capture off.

const events = document.getElementById("events");
window.idcaptureEvents = [];

function log(text, type) {
  const li = document.createElement("li");
  li.textContent = text;
  if (type) li.dataset.type = type;
  events.appendChild(li);
}

function loadEmbed(origin) {
  return new Promise((resolve, reject) => {
    if (window.IdCapture) return resolve(window.IdCapture);
    const s = document.createElement("script");
    s.src = origin + "/embed.js";
    s.onload = () => resolve(window.IdCapture);
    s.onerror = reject;
    document.head.appendChild(s);
  });
}

document.getElementById("start").addEventListener("click", async (ev) => {
  ev.target.disabled = true;
  try {
    const { capture_origin, merchant } = await (await fetch("/demo/config")).json();
    const IdCapture = await loadEmbed(capture_origin);
    const r = await fetch("/demo/session", { method: "POST" });
    if (!r.ok) throw new Error("session " + r.status);
    const s = await r.json();
    const params = new URLSearchParams(location.search);
    const options = {
      // The session's embed_url: this merchant's path on the capture origin.
      captureUrl: s.embed_url || capture_origin + "/m/" + merchant + "/",
      lang: params.get("lang") || document.documentElement.lang,
      sessionId: s.id,
      token: s.token,
      onEvent: (d) => {
        window.idcaptureEvents.push(d);
        log(d.type + (d.step ? " " + d.step : "") + (d.part ? " " + d.part : "") + (d.code ? " " + d.code : ""), d.type);
      },
    };
    if (params.has("nocamera")) options.allow = "fullscreen";
    if (params.get("auto") === "0") options.autoCapture = false;
    window.idcapture = IdCapture.mount(document.getElementById("frame-slot"), options);
    window.idcaptureSession = s.id;
  } catch (err) {
    ev.target.disabled = false;
    log("La vérification n'a pas pu démarrer.");
  }
});
