/* A stale edit (templates/_stale_edit.html): for each field someone else changed, the user picks their value
 * or their own, and the choice goes into the form's input, which holds what will be saved.
 * Loaded by the fragment itself (also when htmx swaps it into the map's dialog), so it wires itself once. */
(function () {
  "use strict";
  if (window.staleEdit) return;
  window.staleEdit = true;

  function setValue(form, name, value) {
    var inputs = form.querySelectorAll('[name="' + name.replace(/"/g, '\\"') + '"]');
    inputs.forEach(function (input) {
      if (input.type === "checkbox") {
        input.checked = value === true || value === "on" || (Array.isArray(value) && value.indexOf(input.value) >= 0);
      } else if (input.type === "radio") {
        input.checked = String(input.value) === String(value);
      } else if (input.tagName === "SELECT" && input.multiple) {
        var values = (Array.isArray(value) ? value : [value]).map(String);
        Array.prototype.forEach.call(input.options, function (option) {
          option.selected = values.indexOf(option.value) >= 0;
        });
      } else {
        input.value = Array.isArray(value) ? (value[0] || "") : (value === null || value === undefined ? "" : value);
      }
      input.dispatchEvent(new Event("change", {bubbles: true}));
    });
  }

  function apply(row, choice) {
    var form = row.closest("form");
    if (!form) return;
    var values = JSON.parse(row.dataset.values);
    setValue(form, row.dataset.staleField, values[choice]);
    var radio = row.querySelector('input[type="radio"][value="' + choice + '"]');
    if (radio) radio.checked = true;
  }

  document.addEventListener("change", function (event) {
    var radio = event.target;
    if (radio.type !== "radio" || !radio.closest) return;
    var row = radio.closest("[data-stale-field]");
    if (row && radio.checked) apply(row, radio.value);
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-stale-all]") : null;
    if (!button) return;
    var panel = button.closest("[data-stale-edit]");
    panel.querySelectorAll("[data-stale-field]").forEach(function (row) {
      apply(row, button.dataset.staleAll);
    });
  });

  /* On a page (not in the map's dialog, which focuses it itself): bring the panel into view. */
  function focusPanel() {
    var panel = document.querySelector("[data-stale-edit]");
    if (panel && !panel.closest("dialog")) panel.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusPanel);
  } else {
    focusPanel();
  }
})();
