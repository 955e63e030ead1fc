// Pastoral's small behaviours. No inline script anywhere (CSP forbids it).
(function () {
  "use strict";
  // Escape closes the quick-search results and returns focus to the box.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      var results = document.getElementById("quick-search-results");
      if (results && results.innerHTML.trim()) {
        results.innerHTML = "";
        var box = document.getElementById("quick-search");
        if (box) box.focus();
      }
    }
  });
  // A refused submission (422, pastoral/forms.py) carries the form with its
  // errors: show it like any other answer.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr && event.detail.xhr.status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  // A session that expired mid-request: htmx gets 401 with HX-Redirect.
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr && xhr.status === 401) {
      var target = xhr.getResponseHeader("HX-Redirect");
      if (target) window.location.href = target;
    }
  });
})();
