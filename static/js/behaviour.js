// Behaviour logging: "Select all" ticks or clears every learner of the class.
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-pick-all]");
  if (!all) return;
  const form = all.closest("form");
  form.querySelectorAll('input[name="learners"]').forEach((box) => {
    box.checked = all.checked;
  });
});
