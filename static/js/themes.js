/* The codebook editor (templates/metrics/themes/theme_form.html): "Add a rule" adds an empty row here, without
 * posting the form (without JavaScript the button posts it and the server adds the row), and focuses its phrase;
 * the live preview (htmx on the form) is asked again when a row is added. */
(function () {
  "use strict";

  function renumber(rows) {
    rows.querySelectorAll("[data-rule-row]").forEach(function (row, index) {
      row.querySelectorAll("[data-rule-number]").forEach(function (number) {
        number.textContent = String(index + 1);
      });
    });
  }

  function addRule(form) {
    var template = document.getElementById("rule-template");
    var rows = form.querySelector("[data-rule-rows]");
    var total = form.querySelector('input[name="rules-TOTAL_FORMS"]');
    var max = form.querySelector('input[name="rules-MAX_NUM_FORMS"]');
    if (!template || !rows || !total) return false;
    var index = Number(total.value) || 0;
    if (max && index >= Number(max.value)) return true;
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("div");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    rows.appendChild(row);
    total.value = String(index + 1);
    renumber(rows);
    var phrase = row.querySelector('input[name$="-phrase"]');
    if (phrase) phrase.focus();
    if (window.htmx) window.htmx.process(row);
    form.dispatchEvent(new CustomEvent("rules-changed", { bubbles: true }));
    return true;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-rule]");
    if (!button) return;
    var form = button.closest("form");
    if (form && addRule(form)) event.preventDefault();
  });
})();
