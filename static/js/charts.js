/* Draws the Plotly figures of a metrics page: each element with data-figure="<id>" gets the figure built in
 * Python (metrics/charts/, journeys/charts.py, teams/charts.py) and shipped as JSON in the script tag of that id. plotly.min.js loads async. */
(function () {
  "use strict";

  function draw(root) {
    if (!window.Plotly) {
      var script = document.getElementById("plotly-js");
      if (script) script.addEventListener("load", function () { draw(root); }, {once: true});
      return;
    }
    root.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(element, figure.data, figure.layout, {displayModeBar: false, responsive: true});
      element.classList.add("is-drawn");
    });
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
