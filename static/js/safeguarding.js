// Safeguarding pages: learner picker, body map, draft autosave,
// alert groups preselected by category, the people picker (vendored tom-select).
// No inline script anywhere (CSP script-src 'self').
(function () {
  "use strict";

  // Hide screen: static/js/hide-screen.js, on every page (base.html).

  // Print button on the CP file (a print stylesheet does the rest).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
    // A picker that chooses one learner (investigations): fill the hidden field.
    var add = event.target.closest("[data-single-picker] [data-add-learner]");
    if (add) {
      var box = add.closest("[data-single-picker]");
      var field = document.getElementById(box.getAttribute("data-single-picker"));
      if (field) field.value = add.getAttribute("data-add-learner");
      var shown = document.getElementById("inv-chosen");
      if (shown) shown.textContent = "Chosen: " + add.getAttribute("data-learner-name");
      box.innerHTML = "";
    }
  });

  // List filters: open on wide screens, a one-line summary on phones.
  if (window.matchMedia && window.matchMedia("(min-width: 992px)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (box) { box.open = true; });
  }

  var form = document.getElementById("concern-form");
  if (!form) return;

  // ---- Learner picker ----
  var chosen = document.getElementById("chosen-learners");
  var search = document.getElementById("learner-search");
  var results = document.getElementById("picker-results");

  function learnerLabels() {
    var labels = {};
    chosen.querySelectorAll("[data-learner-chip]").forEach(function (chip) {
      labels[chip.getAttribute("data-learner-chip")] = chip.querySelector("span").textContent;
    });
    return labels;
  }
  function refreshEmpty() {
    var empty = chosen.querySelector("[data-empty]");
    var has = chosen.querySelector("[data-learner-chip]");
    if (has && empty) empty.remove();
    if (!has && !empty) {
      var span = document.createElement("span");
      span.className = "text-body-secondary";
      span.setAttribute("data-empty", "");
      span.textContent = chosen.getAttribute("data-empty-text");
      chosen.appendChild(span);
    }
  }
  function addLearner(pk, label) {
    if (chosen.querySelector('[data-learner-chip="' + pk + '"]')) return;
    var chip = document.createElement("span");
    chip.className = "learner-chip badge text-bg-light border";
    chip.setAttribute("data-learner-chip", pk);
    var input = document.createElement("input");
    input.type = "hidden"; input.name = "learners"; input.value = pk;
    var text = document.createElement("span");
    text.textContent = label;
    var remove = document.createElement("button");
    remove.type = "button"; remove.className = "btn btn-sm btn-link p-0";
    remove.setAttribute("data-remove-learner", pk);
    remove.setAttribute("aria-label", "Remove " + label);
    remove.textContent = "✕";
    chip.appendChild(input); chip.appendChild(text); chip.appendChild(remove);
    chosen.appendChild(chip);
    refreshEmpty();
  }
  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-learner]");
    if (add) {
      addLearner(add.getAttribute("data-add-learner"), add.getAttribute("data-learner-name"));
      results.innerHTML = ""; search.value = ""; search.focus();
      changed();
      return;
    }
    var remove = event.target.closest("[data-remove-learner]");
    if (remove) {
      var chip = remove.closest("[data-learner-chip]");
      if (chip) chip.remove();
      refreshEmpty(); search.focus(); changed();
    }
  });
  // Enter in the search box picks the first match rather than submitting the form.
  search.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      var first = results.querySelector("[data-add-learner]");
      if (first) first.click();
    } else if (event.key === "ArrowDown") {
      var firstButton = results.querySelector("[data-add-learner]");
      if (firstButton) { event.preventDefault(); firstButton.focus(); }
    }
  });

  // ---- Categories: preselect their alert groups; say when the concern will be restricted ----
  var restrictedNote = form.querySelector("[data-restricted-note]");
  function showRestricted() {
    if (!restrictedNote) return;
    restrictedNote.hidden = !form.querySelector('input[name="categories"][data-restricted]:checked');
  }
  form.querySelectorAll('input[name="categories"]').forEach(function (box) {
    box.addEventListener("change", function () {
      if (box.checked) {
        (box.getAttribute("data-alert-groups") || "").split(" ").forEach(function (group) {
          var target = group && form.querySelector('input[name="alert_groups"][value="' + group + '"]');
          if (target) target.checked = true;
        });
      }
      showRestricted();
    });
  });
  showRestricted();

  // ---- People picker: a searchable multi-select; without it, the plain select still works ----
  var people = form.querySelector("select[data-people-picker]");
  function startPicker() {
    if (!people || people.tomselect || typeof window.TomSelect !== "function") return;
    // The original select stays in the page (hidden) for the form: keep its name.
    var ownLabel = document.querySelector('label[for="' + people.id + '"]');
    if (ownLabel) people.setAttribute("aria-label", ownLabel.textContent.trim());
    var picker = new window.TomSelect(people, {
      plugins: ["remove_button"],
      maxOptions: 50,
      hideSelected: true,
      closeAfterSelect: true,
      placeholder: "Type a name"
    });
    // Keep the original label pointing at the control someone types into.
    var label = document.querySelector('label[for="' + people.id + '"]');
    if (label && picker.control_input) {
      picker.control_input.setAttribute("aria-label", label.textContent.trim());
    }
    picker.on("change", function () { changed(); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", startPicker);
  } else {
    startPicker();
  }

  // ---- Body map: stored as [{view, region, note} | {view, x, y, note}] ----
  // A part chosen from the list is drawn where that part is (data-region-points);
  // every mark is numbered on the diagram and in the list, with a note of its own.
  var mapInput = form.querySelector('input[name="body_map"]');
  var marks = [];
  try { marks = JSON.parse(mapInput.value || "[]") || []; } catch (e) { marks = []; }
  var points = {};
  var pointsHolder = form.querySelector("[data-region-points]");
  ["front", "back"].forEach(function (view) {
    try { points[view] = JSON.parse(pointsHolder.getAttribute("data-" + view) || "{}"); } catch (e) { points[view] = {}; }
  });
  var SVGNS = "http://www.w3.org/2000/svg";
  function regionLabel(view, code) {
    var option = form.querySelector('[data-region-select="' + view + '"] option[value="' + code + '"]');
    return option ? option.textContent : code;
  }
  function markPoint(mark) {
    if (mark.x !== undefined) return [mark.x, mark.y * 2];
    var p = (points[mark.view] || {})[mark.region];
    return p ? [p[0], p[1]] : null;
  }
  function storeMarks() {
    mapInput.value = marks.length ? JSON.stringify(marks) : "";
  }
  function drawMarks() {
    storeMarks();
    form.querySelectorAll("[data-bodymap-view]").forEach(function (svg) {
      var layer = svg.querySelector("[data-marks]");
      while (layer.firstChild) layer.removeChild(layer.firstChild);
      marks.forEach(function (mark, index) {
        if (mark.view !== svg.getAttribute("data-bodymap-view")) return;
        var at = markPoint(mark);
        if (!at) return;
        var dot = document.createElementNS(SVGNS, "circle");
        dot.setAttribute("cx", at[0]); dot.setAttribute("cy", at[1]); dot.setAttribute("r", "3");
        dot.setAttribute("class", "bodymap-mark");
        dot.setAttribute("data-mark", String(index + 1));
        var number = document.createElementNS(SVGNS, "text");
        number.setAttribute("x", at[0] + 4); number.setAttribute("y", at[1] - 3);
        number.setAttribute("class", "bodymap-number");
        number.textContent = String(index + 1);
        layer.appendChild(dot); layer.appendChild(number);
      });
    });
    var list = document.getElementById("bodymap-list");
    list.innerHTML = "";
    if (!marks.length) {
      var none = document.createElement("li"); none.className = "list-unstyled"; none.textContent = list.getAttribute("data-empty-text"); list.appendChild(none);
    }
    marks.forEach(function (mark, index) {
      var item = document.createElement("li");
      var view = mark.view === "front" ? "Front" : "Back";
      var where = mark.region ? regionLabel(mark.view, mark.region) : "point " + Math.round(mark.x) + "% across, " + Math.round(mark.y) + "% down";
      var text = document.createElement("span"); text.textContent = view + ": " + where + " ";
      var remove = document.createElement("button");
      remove.type = "button"; remove.className = "btn btn-sm btn-link p-0";
      remove.textContent = "Remove"; remove.setAttribute("aria-label", "Remove mark " + (index + 1) + ", " + view + ": " + where);
      remove.addEventListener("click", function () { marks.splice(index, 1); drawMarks(); changed(); });
      var noteId = "bodymap-note-" + (index + 1);
      var label = document.createElement("label");
      label.className = "visually-hidden"; label.setAttribute("for", noteId);
      label.textContent = "Note for mark " + (index + 1) + " (" + view + ": " + where + ")";
      var note = document.createElement("input");
      note.type = "text"; note.id = noteId; note.maxLength = 200;
      note.className = "form-control form-control-sm mt-1";
      note.placeholder = "Note: size, colour, shape";
      note.setAttribute("data-mark-note", String(index));
      note.value = mark.note || "";
      // Not a form field of its own: the note lives in the body_map JSON.
      note.addEventListener("input", function () {
        if (note.value.trim()) { mark.note = note.value; } else { delete mark.note; }
        storeMarks(); changed();
      });
      item.appendChild(text); item.appendChild(remove); item.appendChild(label); item.appendChild(note);
      list.appendChild(item);
    });
  }
  form.querySelectorAll("[data-bodymap-view]").forEach(function (svg) {
    svg.addEventListener("click", function (event) {
      var point = svg.createSVGPoint();
      point.x = event.clientX; point.y = event.clientY;
      var local = point.matrixTransform(svg.getScreenCTM().inverse());
      marks.push({ view: svg.getAttribute("data-bodymap-view"), x: Math.round(local.x * 10) / 10, y: Math.round(local.y / 2 * 10) / 10 });
      drawMarks(); changed();
    });
  });
  form.querySelectorAll("[data-region-select]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (!select.value) return;
      marks.push({ view: select.getAttribute("data-region-select"), region: select.value });
      select.value = ""; drawMarks(); changed();
    });
  });
  drawMarks();

  // ---- Draft autosave: server-side, with a local copy until the server has it ----
  var key = form.getAttribute("data-draft-key");
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("draft-status");
  var serverSavedAt = parseInt(form.getAttribute("data-draft-saved-at") || "0", 10) || 0;
  var timer = null;
  var dirty = false;
  var submitting = false;

  function snapshot() {
    var data = new FormData(form);
    data.delete("attachments"); data.delete("q");
    var fields = {};
    data.forEach(function (value, name) {
      if (name === "csrfmiddlewaretoken" || name === "saved_at") return;
      if (fields[name] === undefined) fields[name] = [];
      fields[name].push(value);
    });
    return { saved_at: Date.now(), fields: fields, labels: learnerLabels() };
  }
  function keepLocally(snap) {
    try { localStorage.setItem(key, JSON.stringify(snap)); } catch (e) { /* storage full or disabled */ }
  }
  function push(snap, keepalive) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector('[name="csrfmiddlewaretoken"]').value);
    body.append("saved_at", String(snap.saved_at));
    Object.keys(snap.fields).forEach(function (name) {
      snap.fields[name].forEach(function (value) { body.append(name, value); });
    });
    return fetch(url, {
      method: "POST", body: body, credentials: "same-origin", keepalive: !!keepalive,
      headers: { "HX-Request": "true", "X-CSRFToken": body.get("csrfmiddlewaretoken") }
    }).then(function (response) {
      if (response.status === 204) {
        serverSavedAt = snap.saved_at;
        var local = readLocal();
        // Only what the server already holds leaves the device.
        if (local && local.saved_at <= snap.saved_at) localStorage.removeItem(key);
        status.textContent = "Draft saved at " + new Date(snap.saved_at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" }) + ".";
      } else if (response.status === 401) {
        status.textContent = "Your session has ended. What you typed is kept on this device: sign in again to carry on.";
        var next = response.headers.get("HX-Redirect") || "/accounts/login/";
        window.location.href = next + (next.indexOf("?") >= 0 ? "&" : "?") + "next=" + encodeURIComponent(window.location.pathname);
      } else {
        status.textContent = "Could not save the draft just now; it is kept on this device and will be saved again shortly.";
        dirty = true;
      }
    }).catch(function () {
      status.textContent = "No connection: your draft is kept on this device and will be saved when the connection returns.";
      dirty = true;
    });
  }
  function readLocal() {
    try { return JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }
  function changed() {
    if (submitting) return;
    dirty = true;
    keepLocally(snapshot());
    clearTimeout(timer);
    timer = setTimeout(flush, 1500);
  }
  function flush(keepalive) {
    if (!dirty || submitting) return;
    dirty = false;
    push(snapshot(), keepalive);
  }
  function restore(snap) {
    var fields = snap.fields || {};
    Object.keys(snap.labels || {}).forEach(function (pk) { addLearner(pk, snap.labels[pk]); });
    ["occurred_at", "location", "description", "action_taken"].forEach(function (name) {
      var element = form.elements[name];
      if (element && fields[name]) element.value = fields[name][0];
    });
    var restricted = form.elements.restricted;
    if (restricted) restricted.checked = !!fields.restricted;
    form.querySelectorAll('input[name="categories"]').forEach(function (box) {
      box.checked = (fields.categories || []).indexOf(box.value) >= 0;
    });
    form.querySelectorAll('input[name="alert_groups"]').forEach(function (box) {
      box.checked = (fields.alert_groups || []).indexOf(box.value) >= 0;
    });
    showRestricted();
    var alerted = form.elements.alerted;
    if (alerted && alerted.options) {
      Array.prototype.forEach.call(alerted.options, function (option) {
        option.selected = (fields.alerted || []).indexOf(option.value) >= 0;
      });
      if (alerted.tomselect) alerted.tomselect.sync();
    }
    if (fields.body_map && fields.body_map[0]) {
      try { marks = JSON.parse(fields.body_map[0]) || []; } catch (e) { marks = []; }
      drawMarks();
    }
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  setInterval(function () { flush(false); }, 5000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flush(true);
  });
  form.addEventListener("submit", function () {
    submitting = true;
    clearTimeout(timer);
    localStorage.removeItem(key);
  });
  var discard = document.querySelector("[data-discard-draft]");
  if (discard) discard.addEventListener("submit", function () { localStorage.removeItem(key); });

  // Text typed after the last server save (e.g. the session expired) comes back
  // from this device and is pushed to the server at once.
  var local = readLocal();
  var hasErrors = !!document.getElementById("form-errors");
  if (local && local.saved_at > serverSavedAt && !hasErrors) {
    restore(local);
    status.textContent = "Restored what you were typing before you were signed out.";
    dirty = true;
    flush(false);
  }
})();
