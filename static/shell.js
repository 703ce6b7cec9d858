// The first screen before the app runs: its language, and a press on it.
//
// index.html carries its first screen (the welcome) as plain markup, in the
// five languages (tools/hash-assets.mjs draws it from i18n/*.ftl), so the
// shopper sees it from the html, the stylesheet and this script alone,
// before the page's module has arrived. This classic script runs before
// the body is parsed:
//  - it sets the document's language by the app's own rule
//    (`Lang::negotiate`): the host's `lang=` in the fragment if it is a
//    served language, else the browser's first served preference, else
//    French (index.html's default, also without script); the stylesheet
//    shows that copy;
//  - it marks the document `js` (without script the buttons are hidden:
//    they could do nothing);
//  - it keeps a press on the shell's buttons (`data-intent` on the shell,
//    the button `aria-busy`, a status line read out) for the app, which
//    carries it out when it takes over (src/ui/app.rs): a shopper who
//    presses Start before the module is in loses nothing;
//  - it marks a press under way (`data-pressing`, from the pointer going
//    down on a button until it comes up): the app waits for it to end
//    before it takes the shell away, as a click whose button vanished
//    between the pointer going down and up would never fire.
(function () {
  "use strict";
  var root = document.documentElement;
  var served = ["fr", "es", "it", "pt", "en"];
  function pick(tag) {
    var primary = String(tag).split(/[-_]/)[0].toLowerCase();
    return served.indexOf(primary) >= 0 ? primary : null;
  }
  var host = null;
  location.hash
    .replace(/^#/, "")
    .split("&")
    .some(function (pair) {
      var i = pair.indexOf("=");
      if (i < 0 || pair.slice(0, i) !== "lang") return false;
      var v = pair.slice(i + 1);
      if (v.length === 0 || v.length > 16 || !/^[A-Za-z0-9-]+$/.test(v)) return false;
      host = v;
      return true;
    });
  var lang = host && pick(host);
  if (!lang) {
    var prefs = navigator.languages || [navigator.language || ""];
    for (var k = 0; k < prefs.length && !lang; k++) lang = pick(prefs[k]);
  }
  root.lang = lang || "fr";
  root.classList.add("js");

  function button(e) {
    return e.target instanceof Element ? e.target.closest(".shell button[data-intent]") : null;
  }
  document.addEventListener(
    "pointerdown",
    function (e) {
      var b = button(e);
      if (b) b.closest(".shell").setAttribute("data-pressing", "");
    },
    true,
  );
  function released() {
    // After the click this release may bring (dispatched in the same task).
    setTimeout(function () {
      var shell = document.querySelector(".shell");
      if (shell) shell.removeAttribute("data-pressing");
    }, 0);
  }
  document.addEventListener("pointerup", released, true);
  document.addEventListener("pointercancel", released, true);
  document.addEventListener(
    "click",
    function (e) {
      var pressed = button(e);
      if (!pressed) return;
      var shell = pressed.closest(".shell");
      shell.setAttribute("data-intent", pressed.getAttribute("data-intent"));
      var all = shell.querySelectorAll("button[data-intent]");
      for (var i = 0; i < all.length; i++) all[i].removeAttribute("aria-busy");
      pressed.setAttribute("aria-busy", "true");
      var copy = pressed.closest("[lang]");
      var status = copy && copy.querySelector("[data-wait]");
      if (status) status.textContent = status.getAttribute("data-wait");
    },
    true,
  );
})();
