/* Improvement actions: drag cards between the board's status columns; draw the prioritisation matrix.
 *
 * The server decides: a drop posts the new status and the answer is the whole board, re-rendered, with a
 * message. A refused move (422, or 403) answers with the board too, so the card is back where it was. */
(function () {
  "use strict";

  var focusCard = null; // the id of the card whose move is in flight, to put the focus back on it

  function byId(id) {
    return id ? document.getElementById(id) : null;
  }

  function boardIn(root) {
    if (!root || !root.querySelector) return null;
    return root.id === "action-board" ? root : root.querySelector("#action-board");
  }

  function move(board, card, status) {
    focusCard = card.id;
    window.htmx.ajax("POST", card.dataset.transitionUrl + (board.dataset.query || ""), {
      source: card,
      target: "#action-board",
      swap: "outerHTML",
      values: {to_status: status},
    });
  }

  function highlight(board, card) {
    var allowed = (card.dataset.next || "").split(" ");
    board.classList.add("is-dragging-action");
    board.querySelectorAll(".action-cards").forEach(function (list) {
      var ok = allowed.indexOf(list.dataset.status) !== -1;
      list.classList.toggle("is-allowed", ok);
      list.closest(".action-column").classList.toggle("is-forbidden", !ok && !list.contains(card));
    });
  }

  function unhighlight(board) {
    board.classList.remove("is-dragging-action");
    board.querySelectorAll(".is-allowed, .is-forbidden").forEach(function (element) {
      element.classList.remove("is-allowed", "is-forbidden");
    });
  }

  function makeSortable(root) {
    var board = boardIn(root);
    if (!board || !window.Sortable) return;
    board.querySelectorAll(".action-cards").forEach(function (list) {
      new window.Sortable(list, {
        group: "actions",
        // Within a column the order is the due date's: only a move to another column means something.
        sort: false,
        draggable: ".action-card[data-can-move]",
        filter: "a, button, summary, input, select",
        preventOnFilter: false,
        animation: 150,
        // Mouse-event dragging instead of native HTML5 drag and drop: the same in every browser and in tests.
        forceFallback: true,
        fallbackOnBody: true,
        fallbackTolerance: 4,
        ghostClass: "is-ghost",
        dragClass: "is-dragging",
        onStart: function (event) { highlight(board, event.item); },
        onEnd: function (event) {
          unhighlight(board);
          if (event.from !== event.to) move(board, event.item, event.to.dataset.status);
        },
      });
    });
  }

  /* The matrix: a figure built in Python (teams/charts.py), drawn by figures.js. */
  function drawFigures(root) {
    if (!window.cxFigures) return; // the board page has no figure, and does not load figures.js
    window.cxFigures.draw(root, function (element) {
      // A click on a point opens the action; its URL is the last item of the point's customdata.
      element.on("plotly_click", function (data) {
        var point = data.points && data.points[0];
        var url = point && point.customdata && point.customdata[point.customdata.length - 1];
        if (url) window.location.assign(url);
      });
    });
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var card = event.detail.elt && event.detail.elt.closest && event.detail.elt.closest(".action-card");
    if (card) focusCard = card.id;
  });

  // A refused move answers with the board and the reason (422, or 403 without the right): show it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if ((status === 403 || status === 422) && event.detail.target && event.detail.target.id === "action-board") {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // Anything else (the network, a server error): fetch the board as the server has it, and say so.
  document.addEventListener("htmx:responseError", function (event) {
    var board = byId("action-board");
    if (!board) return;
    var text = board.dataset.errorText;
    if (event.detail.requestConfig && event.detail.requestConfig.verb === "get") {
      window.cxBoardStatus.showError("board-status", text);
      return;
    }
    window.htmx
      .ajax("GET", window.location.href, {target: "#action-board", swap: "outerHTML", select: "#action-board"})
      .then(function () { window.cxBoardStatus.showError("board-status", text); });
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id !== "action-board") return;
    var card = byId(focusCard);
    focusCard = null;
    if (card) card.focus({preventScroll: false});
  });

  window.htmx.onLoad(function (root) {
    makeSortable(root);
    drawFigures(root);
  });
})();
