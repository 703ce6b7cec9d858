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
//  - it marks a press under way (`data-pressing`, from a pointer going
//    down on a button, or Space held on one, until its click): the app
//    waits for it to end before it takes the shell away, as a click whose
//    button vanished between down and up would never fire.
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
  // Presses under way: pointers down on a button (by id: one finger's
  // release must not end another's press) and a Space key held on one
  // (Space clicks when it comes up). `data-pressing` is on the shell while
  // any is. A press ends with its click, or, where no click comes (released
  // off the button, cancelled), a little after its release: a tap's click
  // can follow its release by a few hundred milliseconds.
  var pointers = {};
  var presses = 0;
  var keyed = false;
  var GRACE_MS = 500;
  function mark() {
    var shell = document.querySelector(".shell");
    if (!shell) return;
    var any = keyed;
    for (var id in pointers) if (pointers[id]) any = true;
    if (any) shell.setAttribute("data-pressing", "");
    else shell.removeAttribute("data-pressing");
  }
  function endAll() {
    pointers = {};
    keyed = false;
    mark();
  }
  document.addEventListener(
    "pointerdown",
    function (e) {
      if (e.button !== 0 || !button(e)) return;
      pointers[e.pointerId] = ++presses;
      mark();
    },
    true,
  );
  function released(e) {
    var press = pointers[e.pointerId];
    if (!press) return;
    setTimeout(function () {
      // Unless this pointer has begun another press meanwhile.
      if (pointers[e.pointerId] === press) delete pointers[e.pointerId];
      mark();
    }, GRACE_MS);
  }
  document.addEventListener("pointerup", released, true);
  document.addEventListener("pointercancel", released, true);
  document.addEventListener(
    "keydown",
    function (e) {
      if ((e.key === " " || e.key === "Spacebar") && button(e)) {
        keyed = true;
        mark();
      }
    },
    true,
  );
  document.addEventListener(
    "keyup",
    function (e) {
      if (!keyed || (e.key !== " " && e.key !== "Spacebar")) return;
      // After the click Space brings as it comes up.
      setTimeout(function () {
        keyed = false;
        mark();
      }, 0);
    },
    true,
  );
  document.addEventListener("contextmenu", endAll, true);
  window.addEventListener("blur", endAll);
  document.addEventListener(
    "click",
    function (e) {
      var pressed = button(e);
      if (!pressed) return;
      var shell = pressed.closest(".shell");
      // The press is done: kept below, the app may take the shell now.
      endAll();
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
