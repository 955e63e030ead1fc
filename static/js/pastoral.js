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
  // Printing (static/css/print-pages.css): a closed <details> would print its
  // summary only, so open each one for the print and close it again after.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details:not([open])").forEach(function (d) {
      d.open = true;
      d.dataset.openedForPrint = "1";
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-opened-for-print]").forEach(function (d) {
      d.open = false;
      delete d.dataset.openedForPrint;
    });
  });

  // Wide tables scroll inside their own box, never the page (no sideways
  // scrolling at 320 px), and that box is a named, keyboard-focusable region
  // (WCAG 2.1.1: a scrollable region must be reachable by keyboard).
  function tableRegions(root) {
    Array.prototype.forEach.call(root.querySelectorAll("main table.table"), function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("table-responsive")) {
        box = document.createElement("div");
        box.className = "table-responsive";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      if (!box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
      if (!box.hasAttribute("role")) box.setAttribute("role", "region");
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        var caption = table.querySelector("caption");
        var name = caption ? caption.textContent.trim() : "";
        if (!name) {
          var heading = table.closest("section") && table.closest("section").querySelector("h2, h3");
          name = heading ? heading.textContent.trim() : "Table";
        }
        box.setAttribute("aria-label", name);
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { tableRegions(document); });
  } else {
    tableRegions(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { tableRegions(event.target); });

  // A long list of checkboxes (a fieldset of four or more, e.g. a concern's
  // categories) is one tab stop: arrow keys move through it, Space ticks
  // (a roving tabindex), so a form is not thirty Tab presses long.
  var ROVING_MIN = 4;
  function rovingGroups(root) {
    Array.prototype.forEach.call(root.querySelectorAll("form fieldset"), function (fieldset) {
      if (fieldset.hasAttribute("data-roving")) return;
      var boxes = Array.prototype.filter.call(
        fieldset.querySelectorAll('input[type="checkbox"]'),
        function (box) { return box.closest("fieldset") === fieldset; }
      );
      if (boxes.length < ROVING_MIN) return;
      fieldset.setAttribute("data-roving", "");
      function current(target) {
        boxes.forEach(function (box) { box.tabIndex = box === target ? 0 : -1; });
      }
      current(boxes.filter(function (box) { return box.checked; })[0] || boxes[0]);
      boxes.forEach(function (box, index) {
        box.addEventListener("focus", function () { current(box); });
        box.addEventListener("keydown", function (event) {
          var next = null;
          if (event.key === "ArrowDown" || event.key === "ArrowRight") next = boxes[(index + 1) % boxes.length];
          else if (event.key === "ArrowUp" || event.key === "ArrowLeft") next = boxes[(index - 1 + boxes.length) % boxes.length];
          else if (event.key === "Home") next = boxes[0];
          else if (event.key === "End") next = boxes[boxes.length - 1];
          if (next) {
            event.preventDefault();
            current(next);
            next.focus();
          }
        });
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { rovingGroups(document); });
  } else {
    rovingGroups(document);
  }
  document.addEventListener("htmx:afterSettle", function (event) { rovingGroups(event.target); });
})();
