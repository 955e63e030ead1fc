// Attendance pages. No inline script (CSP). The import page's progress is
// polled by htmx attributes in the markup; here only focus management.
(function () {
  "use strict";
  // When an import finishes, move focus to its result so screen readers hear it.
  document.addEventListener("htmx:afterSwap", function (event) {
    var done = event.detail.target && event.detail.target.querySelector("[data-import-finished]");
    if (done) done.focus();
  });
  // After a one-click call is logged, keep keyboard focus on the row's status.
  document.addEventListener("htmx:afterSwap", function (event) {
    var status = event.detail.target && event.detail.target.querySelector("[data-called]");
    if (status) status.focus();
  });
})();
