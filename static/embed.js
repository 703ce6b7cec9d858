/*! idcapture embed loader, v1. No dependencies; loaded from the capture origin.
 *
 *   const capture = IdCapture.mount(element, {
 *     captureUrl: "https://capture.example/m/<merchant>/", // embed_url from the session's creation
 *     sessionId, token,                          // from your back end's session creation
 *     lang: "fr",                                // optional: fr, es, it, pt, en
 *     autoCapture: false,                        // optional: shutter only (default: shoots by itself)
 *     refuseExpired: false,                      // optional: let an expired document through (default: refused)
 *     refuseMinor: false,                        // optional: let a minor's document through (default: refused)
 *     onEvent: (event) => { ... },               // {source, version, type, ...}
 *   });
 *   capture.cancel();    // ask the capture to cancel the session
 *   capture.unmount();   // remove the iframe and the listener
 *
 * The token never appears in the page: the iframe's URL carries only the
 * session id, and the token is handed to the capture by postMessage, to the
 * capture origin only, when the frame asks for it (`awaiting_token`; again
 * after a reload of the frame). Scripts on the page and session-replay tools
 * that record DOM attributes never see it. Events are delivered only when
 * they come from the capture origin, from this iframe, in the idcapture
 * envelope.
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
    // Only a merchant's path may be framed (by that merchant): anything else
    // would be a blank frame the browser refuses to show.
    if (!/^\/m\/[a-z0-9-]{1,32}\/$/.test(url.pathname)) throw new TypeError("IdCapture.mount: captureUrl must be the session's embed_url (https://…/m/<merchant>/)");
    var origin = url.origin;
    // Kept in this closure only: never in the DOM, never in a URL.
    var token = String(o.token);
    url.search = "";
    url.hash = "session=" + o.sessionId;
    // The checkout's language (fr, es, it, pt, en); else the browser's.
    if (typeof o.lang === "string" && /^[A-Za-z0-9-]{1,16}$/.test(o.lang)) url.hash += "&lang=" + o.lang;
    // Auto-capture is on unless the merchant turns it off.
    if (o.autoCapture === false) url.hash += "&auto=0";
    // The MRZ rules are on unless the merchant turns one off: an expired
    // document, a minor's, each stops the capture on its own screen.
    if (o.refuseExpired === false) url.hash += "&expired=0";
    if (o.refuseMinor === false) url.hash += "&minor=0";

    var iframe = document.createElement("iframe");
    iframe.src = url.toString();
    // The capture needs the camera (and fullscreen on phones; the clipboard
    // for "copy the link" of the hand-off). An embedder that withholds the
    // camera gets a clear message in the iframe and an `error` event with
    // code `camera_blocked_by_embedder`; without the clipboard the link is
    // selected for the shopper to copy.
    iframe.setAttribute("allow", typeof o.allow === "string" ? o.allow : "camera; fullscreen; clipboard-write");
    iframe.setAttribute("title", o.title || "Vérification d'identité");
    iframe.setAttribute("referrerpolicy", "no-referrer");
    iframe.className = o.className || "idcapture-frame";

    function onMessage(e) {
      if (e.origin !== origin || e.source !== iframe.contentWindow) return;
      var d = e.data;
      if (!d || d.source !== "idcapture" || d.version !== VERSION || typeof d.type !== "string") return;
      if (d.type === "awaiting_token") {
        // Only to the capture origin, only to this frame.
        iframe.contentWindow.postMessage({ source: "merchant", version: VERSION, type: "token", token: token }, origin);
        return;
      }
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
        token = null;
      },
    };
  }

  window.IdCapture = Object.freeze({ mount: mount, version: VERSION });
})();
