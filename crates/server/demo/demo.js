// The demo merchant's checkout page: asks its own back end for a capture
// session (server to server; the merchant key never reaches the browser),
// embeds the capture app in an iframe, and lists the events it posts.
// Messages are accepted only from the capture origin and only with the
// idcapture envelope.

const events = document.getElementById("events");
let captureOrigin = null;
window.idcaptureEvents = [];

async function config() {
  const r = await fetch("/demo/config");
  return (await r.json()).capture_origin;
}

window.addEventListener("message", (e) => {
  if (captureOrigin === null || e.origin !== captureOrigin) return;
  const d = e.data;
  if (!d || d.source !== "idcapture" || d.version !== 1 || typeof d.type !== "string") return;
  window.idcaptureEvents.push(d);
  const li = document.createElement("li");
  li.textContent = d.type + (d.step ? " " + d.step : "") + (d.part ? " " + d.part : "") + (d.code ? " " + d.code : "");
  li.dataset.type = d.type;
  events.appendChild(li);
});

document.getElementById("start").addEventListener("click", async (ev) => {
  ev.target.disabled = true;
  try {
    captureOrigin = await config();
    const r = await fetch("/demo/session", { method: "POST" });
    if (!r.ok) throw new Error("session " + r.status);
    const s = await r.json();
    const frame = document.createElement("iframe");
    frame.title = "Vérification d'identité";
    frame.allow = "camera; fullscreen";
    frame.referrerPolicy = "no-referrer";
    frame.src = s.capture_url;
    document.getElementById("frame-slot").replaceChildren(frame);
    window.idcaptureSession = s.id;
  } catch (err) {
    ev.target.disabled = false;
    const li = document.createElement("li");
    li.textContent = "La vérification n'a pas pu démarrer.";
    events.appendChild(li);
  }
});
