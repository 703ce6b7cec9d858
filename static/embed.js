/*! idcapture embed loader, v1. No dependencies; loaded from the capture origin.
 *
 *   const capture = IdCapture.mount(element, {
 *     captureUrl: "https://capture.example/",   // where idcapture is served
 *     sessionId, token,                          // from your back end's session creation
 *     lang: "fr",                                // optional: fr, es, it, pt, en
 *     autoCapture: false,                        // optional: shutter only (default: shoots by itself)
 *     onEvent: (event) => { ... },               // {source, version, type, ...}
 *   });
 *   capture.cancel();    // ask the capture to cancel the session
 *   capture.unmount();   // remove the iframe and the listener
 *
 * The token is put in the URL fragment (never sent to any server, never in
 * a Referer). Events are delivered only when they come from the capture
 * origin, from this iframe, in the idcapture envelope.
 */
(function () {
  "use strict";
  var VERSION = 1;
  var ID = /^[0-9a-f]{32}$/;
  var TOKEN = /^[0-9a-f]{64}$/;

  function mount(element, options) {
    if (!element || typeof element.appendChild !== "function") throw new TypeError("IdCapture.mount: an element is required");
    var o = options || {};
    if (!ID.test(String(o.sessionId)) || !TOKEN.test(String(o.token))) throw new TypeError("IdCapture.mount: sessionId and token as returned by the session API are required");
    var url = new URL(String(o.captureUrl));
    if (url.protocol !== "https:" && url.hostname !== "localhost" && url.hostname !== "127.0.0.1") throw new TypeError("IdCapture.mount: captureUrl must be https");
    var origin = url.origin;
    url.search = "";
    url.hash = "session=" + o.sessionId + "&token=" + o.token;
    // The checkout's language (fr, es, it, pt, en); else the browser's.
    if (typeof o.lang === "string" && /^[A-Za-z0-9-]{1,16}$/.test(o.lang)) url.hash += "&lang=" + o.lang;
    // Auto-capture is on unless the merchant turns it off.
    if (o.autoCapture === false) url.hash += "&auto=0";

    var iframe = document.createElement("iframe");
    iframe.src = url.toString();
    // The capture needs the camera (and fullscreen on phones). An embedder
    // that withholds it gets a clear message in the iframe and an `error`
    // event with code `camera_blocked_by_embedder`.
    iframe.setAttribute("allow", typeof o.allow === "string" ? o.allow : "camera; fullscreen");
    iframe.setAttribute("title", o.title || "Vérification d'identité");
    iframe.setAttribute("referrerpolicy", "no-referrer");
    iframe.className = o.className || "idcapture-frame";

    function onMessage(e) {
      if (e.origin !== origin || e.source !== iframe.contentWindow) return;
      var d = e.data;
      if (!d || d.source !== "idcapture" || d.version !== VERSION || typeof d.type !== "string") return;
      if (typeof o.onEvent === "function") o.onEvent(d);
    }
    window.addEventListener("message", onMessage);
    element.appendChild(iframe);

    return {
      iframe: iframe,
      cancel: function () {
        if (iframe.contentWindow) iframe.contentWindow.postMessage({ source: "merchant", version: VERSION, type: "cancel" }, origin);
      },
      unmount: function () {
        window.removeEventListener("message", onMessage);
        iframe.remove();
      },
    };
  }

  window.IdCapture = Object.freeze({ mount: mount, version: VERSION });
})();
