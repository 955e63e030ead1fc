// Hide screen, on every signed-in page: the fixed button, or Escape pressed
// twice quickly, covers the page at once (someone walked up behind you).
// No inline script anywhere (CSP script-src 'self').
(function () {
  "use strict";
  var lastEscape = 0;
  var savedTitle = document.title;
  function hideScreen() {
    var cover = document.getElementById("hide-screen");
    if (!cover || !cover.hidden) return;
    cover.hidden = false;
    document.body.classList.add("screen-hidden");
    savedTitle = document.title;
    document.title = "Pastoral";
    var show = cover.querySelector("[data-show-screen]");
    if (show) show.focus();
  }
  function showScreen() {
    var cover = document.getElementById("hide-screen");
    if (!cover) return;
    cover.hidden = true;
    document.body.classList.remove("screen-hidden");
    document.title = savedTitle;
    var button = document.querySelector("[data-hide-screen]");
    if (button) button.focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < 800) { hideScreen(); lastEscape = 0; } else { lastEscape = now; }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-hide-screen]")) hideScreen();
    if (event.target.closest("[data-show-screen]")) showScreen();
  });
})();
