/* A metrics page: draws its Plotly figures (built in metrics/charts/) with figures.js, marking each drawn one
 * "is-drawn", and submits its filter form as soon as a choice changes. */
(function () {
  "use strict";

  function draw(root) {
    window.cxFigures.draw(root, function (element) { element.classList.add("is-drawn"); });
  }

  /* A filter form submits as soon as a choice changes (the button stays for keyboard and no-JS use). */
  function autoSubmit(root) {
    root.querySelectorAll("form[data-auto-submit] select").forEach(function (select) {
      select.addEventListener("change", function () {
        var form = select.form;
        var custom = form.querySelector("[data-custom-period]");
        // Choosing "From – to" waits for the dates; a preset applies at once.
        if (select.name === "period" && select.value === "custom") return;
        if (select.name === "period" && custom) {
          form.querySelectorAll("input[type=date]").forEach(function (input) { input.value = ""; });
        }
        form.requestSubmit();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    draw(document);
    autoSubmit(document);
  });
})();
