/* The status line of a board (the map's #map-status, the action board's #board-status): a write that failed
 * for the network or the server says so there, as an alert, replacing what the line said before.
 *
 *   window.cxBoardStatus.showError("map-status", text) */
(function () {
  "use strict";

  function showError(statusId, text) {
    var status = document.getElementById(statusId);
    if (!status) return;
    var message = document.createElement("p");
    message.className = "alert alert-error";
    message.setAttribute("role", "alert");
    message.textContent = text;
    status.replaceChildren(message);
  }

  window.cxBoardStatus = {showError: showError};
})();
