// A live page: poll /api/version and, when it changes, redraw <main> from the same URL.
// No reload (the reader keeps their place), no framework, no build step. A page stops
// being live when the redrawn <main> no longer carries data-live (a graded submission).
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.hasAttribute("data-live")) { return; }
  var every = parseInt(main.getAttribute("data-live"), 10) || 1000;
  var seen = null;
  function redraw() {
    return fetch(window.location.href, { credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        var page = new DOMParser().parseFromString(text, "text/html");
        var fresh = page.getElementById("main");
        if (!fresh) { return; }
        var focused = document.activeElement && document.activeElement.id;
        main.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-live")) {
          main.setAttribute("data-live", fresh.getAttribute("data-live"));
        } else {
          main.removeAttribute("data-live");
        }
        if (focused && document.getElementById(focused)) { document.getElementById(focused).focus(); }
        var said = main.querySelector("[data-announce]");
        var region = document.getElementById("announce");
        if (said && region) { region.textContent = said.getAttribute("data-announce"); }
      });
  }
  function poll() {
    if (!main.hasAttribute("data-live")) { return; }
    fetch("/api/version", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (answer) {
        var changed = seen !== null && answer.version !== seen;
        seen = answer.version;
        return changed ? redraw() : null;
      })
      .catch(function () { /* the server restarting: try again at the next tick */ })
      .then(function () { window.setTimeout(poll, every); });
  }
  poll();
})();
