// The map's Undo: Ctrl+Z (Cmd+Z on a Mac) presses the toolbar's Undo button, which asks the server to revert
// the user's own last change on this map. Not while typing in a field or with the editor dialog open: there
// Ctrl+Z undoes the typing, as everywhere else.
(function () {
  "use strict";

  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true'], dialog[open]"));
  }

  document.addEventListener("keydown", function (event) {
    if (!(event.ctrlKey || event.metaKey) || event.shiftKey || event.altKey) return;
    if (event.key !== "z" && event.key !== "Z") return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    var button = document.getElementById("map-undo");
    if (!button || button.disabled) return;
    event.preventDefault();
    button.click();
  });
})();
