/* Draws the Plotly figures in a part of the page: each element with data-figure="<id>" gets the figure built in
 * Python (<app>/charts.py) and shipped as JSON in the script tag of that id. plotly.min.js loads async (it is
 * big and must not hold up htmx), so this waits for its script (id "plotly-js") when Plotly is not there yet.
 *
 *   window.cxFigures.draw(root, function (element) { ... })  // the callback wires each drawn plot */
(function () {
  "use strict";

  function draw(root, onDrawn) {
    if (!root || !root.querySelectorAll) return;
    var elements = root.querySelectorAll("[data-figure]");
    if (!elements.length) return;
    if (!window.Plotly) {
      var script = document.getElementById("plotly-js");
      if (script) script.addEventListener("load", function () { draw(root, onDrawn); }, {once: true});
      return;
    }
    elements.forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) return;
      var figure = JSON.parse(source.textContent);
      window.Plotly.newPlot(element, figure.data, figure.layout, {displayModeBar: false, responsive: true});
      if (onDrawn) onDrawn(element);
    });
  }

  window.cxFigures = {draw: draw};
})();
