// Searchable learner pickers (vendored tom-select, static/vendor/tom-select):
// a <select data-learner-picker data-search-url> holds only the chosen learner;
// typing asks the server (caseload:learner-picker, scoped, a page at a time,
// more pages loaded as the list scrolls). No inline script (CSP script-src 'self').
(function () {
  "use strict";

  function labelFor(select) {
    var label = document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace("*", "").trim() : "Learner";
  }

  function start(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") return;
    var name = labelFor(select);  // before tom-select points the label at its own input
    var base = select.getAttribute("data-search-url");
    var purpose = select.getAttribute("data-learner-picker");
    var picker = new window.TomSelect(select, {
      plugins: ["virtual_scroll"],
      valueField: "value",
      labelField: "text",
      searchField: [],
      maxOptions: null,
      loadThrottle: 250,
      placeholder: "Type a name or UPN",
      firstUrl: function (query) {
        return base + "?for=" + encodeURIComponent(purpose) + "&q=" + encodeURIComponent(query);
      },
      shouldLoad: function (query) { return query.trim().length >= 2; },
      load: function (query, callback) {
        var self = this;
        var url = self.getUrl(query);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.json(); })
          .then(function (json) {
            if (json.next) self.setNextUrl(query, json.next);
            callback(json.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">No learner of that name you may choose</div>'; },
        not_loading: function () { return '<div class="no-results">Type two letters or more</div>'; }
      }
    });
    if (picker.control_input) picker.control_input.setAttribute("aria-label", name);
    // The original select stays in the form (hidden); it keeps its name too.
    select.setAttribute("aria-label", name);
  }

  function startAll() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-learner-picker]"), start);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startAll);
  } else {
    startAll();
  }
})();
