// Caseload: "Add another target" on the plan and review forms (Django formset).
// Without JavaScript the form still offers one blank target row.
(function () {
  "use strict";
  function setup(fieldset) {
    var button = fieldset.querySelector("[data-add-target]");
    var total = fieldset.querySelector('input[name$="-TOTAL_FORMS"]');
    if (!button || !total) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var rows = fieldset.querySelectorAll(".target-row");
      var last = rows[rows.length - 1];
      var index = parseInt(total.value, 10);
      var clone = last.cloneNode(true);
      var old = index - 1;
      clone.querySelectorAll("input, select, textarea, label, div, legend").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace("-" + old + "-", "-" + index + "-"));
        });
        if (el.matches("input:not([type=checkbox]), textarea")) el.value = "";
        if (el.matches("input[type=checkbox]")) el.checked = false;
        if (el.matches(".invalid-feedback")) el.remove();
        el.classList.remove("is-invalid");
      });
      var legend = clone.querySelector("legend");
      if (legend) legend.textContent = "Target " + (index + 1);
      last.after(clone);
      total.value = index + 1;
      var first = clone.querySelector("input:not([type=hidden])");
      if (first) first.focus();
    });
  }
  document.querySelectorAll("#targets").forEach(setup);
})();
