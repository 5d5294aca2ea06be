/* Styles that depend on data, set through the CSSOM: the Content Security Policy (cxplatform/security_headers.py)
 * refuses style="" attributes in the HTML, but not a script setting element.style.
 *
 *   data-bg-colour="#0f766e"   background colour (a persona's avatar; the model only takes #rrggbb)
 *   data-bar-percent="40"      width in per cent (a budget bar)
 *   data-stage-count="5"       the CSS variable --stage-count (the map's grid columns)
 *
 * Applied when the page loads and to whatever is added later (htmx swaps, the live map's board swaps). */
(function () {
  "use strict";

  var SELECTOR = "[data-bg-colour], [data-bar-percent], [data-stage-count]";

  function style(element) {
    var data = element.dataset;
    if (data.bgColour !== undefined && /^#[0-9a-fA-F]{6}$/.test(data.bgColour)) element.style.backgroundColor = data.bgColour;
    if (data.barPercent !== undefined) element.style.width = Math.max(0, Math.min(100, Number(data.barPercent) || 0)) + "%";
    if (data.stageCount !== undefined) element.style.setProperty("--stage-count", String(Number(data.stageCount) || 1));
  }

  function styleWithin(root) {
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    if (root.matches(SELECTOR)) style(root);
    root.querySelectorAll(SELECTOR).forEach(style);
  }

  styleWithin(document.documentElement);
  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) {
      if (mutation.type === "attributes") style(mutation.target);
      else mutation.addedNodes.forEach(styleWithin);
    });
  }).observe(document.documentElement, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ["data-bg-colour", "data-bar-percent", "data-stage-count"],
  });
})();
