// The survey source pages: on the mapping page, show for each target only the control its "comes from" needs (a
// name, or a fixed value). The copy buttons are copy_field.js's.
function showOrigin(fieldset) {
  const origin = fieldset.querySelector(".origin select").value;
  for (const part of fieldset.querySelectorAll("[data-show-for]")) {
    part.hidden = !part.dataset.showFor.split(" ").includes(origin);
  }
}
document.addEventListener("change", (event) => {
  const fieldset = event.target.closest(".mapping-target");
  if (fieldset && event.target.closest(".origin")) showOrigin(fieldset);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".mapping-target").forEach(showOrigin);
});
// A warning or a proposal beside a control speaks of the value the page came with: gone once it is changed.
document.addEventListener("change", (event) => {
  const field = event.target.closest(".mapping-form .field");
  if (!field) return;
  for (const note of field.querySelectorAll(".field-warning, .suggested")) note.hidden = true;
});
