/* Wide maps: zoom out or fit the whole map to the screen (buttons and keys − + 0 F), remembered per user in this
 * browser; and the emotion curve's scale (−2..+2) drawn beside the curve in its sticky lane label, so that it
 * stays in view when the map scrolls sideways and stays readable when it is zoomed out (it replaces Plotly's).
 *
 * The zoom is one CSS variable (--map-zoom) on the page, read by map.css: a board swapped in by htmx (an edit,
 * a live update) picks it up without this script doing anything. Only "fit" depends on the map's width, so it
 * is measured again after a swap and when the window changes size. */
(function () {
  "use strict";

  var LEVELS = [0.25, 0.33, 0.5, 0.67, 0.75, 0.9, 1];
  var MIN = LEVELS[0];
  var SCALE = [2, 1, 0, -1, -2];
  var SCALE_TEXT = ["+2", "+1", "0", "−1", "−2"];

  var bar = document.querySelector("[data-map-zoom]");
  if (!bar) return;
  var page = bar.closest("main") || document.documentElement;
  var storageKey = "cx-map-zoom:" + (bar.dataset.user || "anonymous");
  var mode = stored(); // "fit" or a level from MIN to 1
  var zoom = 1; // what is applied now

  function stored() {
    var value = null;
    try {
      value = window.localStorage.getItem(storageKey);
    } catch (error) {
      return 1; // storage refused (private mode): the map at 100%
    }
    if (value === "fit") return "fit";
    var level = parseFloat(value);
    return level >= MIN && level <= 1 ? level : 1;
  }

  function remember() {
    try {
      window.localStorage.setItem(storageKey, String(mode));
    } catch (error) {
      /* not remembered, still applied */
    }
  }

  function grid() {
    return document.querySelector("#map-board .map-grid");
  }

  /* The level at which the stage columns fill the width of the board; the label column keeps its size (map.css
   * divides its width by the zoom), so only the stages count. */
  function fitLevel(element) {
    var scroll = element.closest(".map-scroll");
    page.style.setProperty("--map-zoom", "1");
    var label = element.querySelector(".lane-label");
    var labelWidth = label ? label.getBoundingClientRect().width : 0;
    var stagesWidth = element.getBoundingClientRect().width - labelWidth;
    var room = scroll.clientWidth - labelWidth;
    if (stagesWidth <= room) return 1;
    return Math.max(MIN, Math.floor((room / stagesWidth) * 1000) / 1000);
  }

  function apply() {
    var element = grid();
    bar.hidden = !element;
    if (!element) return;
    zoom = mode === "fit" ? fitLevel(element) : mode;
    page.style.setProperty("--map-zoom", String(zoom));
    bar.querySelector(".map-zoom-level").textContent = Math.round(zoom * 100) + "%";
    bar.querySelectorAll("[data-zoom]").forEach(function (button) {
      var value = button.dataset.zoom;
      if (value === "in" || value === "out") {
        button.disabled = value === "in" ? zoom >= 1 : zoom <= MIN;
      } else {
        button.setAttribute("aria-pressed", String(value === "fit" ? mode === "fit" : mode === parseFloat(value)));
      }
    });
    document.querySelectorAll(".emotion-curve.js-plotly-plot").forEach(fitCurveHeight);
  }

  function step(direction) {
    var next = direction > 0
      ? LEVELS.filter(function (level) { return level > zoom + 0.001; })[0]
      : LEVELS.filter(function (level) { return level < zoom - 0.001; }).pop();
    if (next !== undefined) choose(next);
  }

  function choose(value) {
    mode = value;
    remember();
    apply();
  }

  bar.addEventListener("click", function (event) {
    var button = event.target.closest("[data-zoom]");
    if (!button) return;
    var value = button.dataset.zoom;
    if (value === "in") step(1);
    else if (value === "out") step(-1);
    else choose(value === "fit" ? "fit" : parseFloat(value));
  });

  /* Keys, when the user is not typing and no dialog is open. */
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || bar.hidden) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable], dialog[open]")) return;
    if (document.querySelector("dialog[open]")) return;
    var action = {"-": -1, "+": 1, "=": 1, "0": "1", f: "fit", F: "fit"}[event.key];
    if (action === undefined) return;
    event.preventDefault();
    if (action === -1 || action === 1) step(action);
    else choose(action === "fit" ? "fit" : 1);
  });

  /* The board scrolls inside the window below the site's sticky top bar, which wraps onto two rows when narrow. */
  function measureTopbar() {
    var topbar = document.querySelector(".topbar");
    if (topbar) page.style.setProperty("--topbar-h", topbar.offsetHeight + "px");
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      measureTopbar();
      if (mode === "fit") apply();
    }, 100);
  });
  document.addEventListener("htmx:afterSettle", apply);

  /* The curve's scale beside it, in the lane label (sticky at the left), at the heights Plotly draws −2..+2. */
  function drawScale(element) {
    var lane = element.closest(".lane-curve");
    var label = lane && lane.querySelector(".lane-label");
    var axis = element._fullLayout && element._fullLayout.yaxis;
    if (!label || !axis || !axis.l2p) return;
    var scale = label.querySelector(".curve-scale");
    if (!scale) {
      scale = document.createElement("div");
      scale.className = "curve-scale";
      scale.setAttribute("aria-hidden", "true"); // the curve's own description says −2 to +2
      SCALE_TEXT.forEach(function (text) {
        var tick = document.createElement("span");
        tick.textContent = text;
        scale.appendChild(tick);
      });
      label.appendChild(scale);
    }
    // Both are inside the zoomed grid: measure on screen, place in the grid's own (unzoomed) pixels.
    var labelBox = label.getBoundingClientRect();
    var ratio = labelBox.height ? label.offsetHeight / labelBox.height : 1;
    var offset = (element.getBoundingClientRect().top - labelBox.top) * ratio;
    scale.querySelectorAll("span").forEach(function (tick, index) {
      tick.style.top = offset + axis._offset + axis.l2p(SCALE[index]) + "px";
    });
  }

  /* Zoomed out, the curve keeps its height on screen (it only gets narrower), so its ups and downs stay legible. */
  function fitCurveHeight(element) {
    var layout = element._fullLayout;
    if (!window.Plotly || !layout || !element.isConnected) return;
    if (!element.dataset.baseHeight) element.dataset.baseHeight = String(layout.height);
    var height = Math.round(Number(element.dataset.baseHeight) / zoom);
    element.style.height = height + "px";
    if (layout.height !== height) window.Plotly.relayout(element, {height: height});
  }

  /* The scale beside the curve replaces Plotly's own tick labels, which would scroll away and shrink. */
  function hidePlotlyTicks(element) {
    var axis = element._fullLayout && element._fullLayout.yaxis;
    if (window.Plotly && axis && axis.showticklabels) window.Plotly.relayout(element, {"yaxis.showticklabels": false});
  }

  document.addEventListener("cx:curve-drawn", function (event) {
    var element = event.target;
    if (element.on) {
      element.on("plotly_afterplot", function () { drawScale(element); });
    }
    fitCurveHeight(element);
    drawScale(element);
    hidePlotlyTicks(element);
  });

  measureTopbar();
  apply();
})();
