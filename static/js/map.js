/* The map editor: draws the emotion curve, opens edit forms in a dialog, reorders by drag and drop.
 *
 * The server does the work: every write answers with the whole board and htmx swaps it in. This file only
 * (re)wires what a fresh board needs: the Plotly curve, SortableJS lists, the dialog and the focus. */
(function () {
  "use strict";

  var trigger = null; // the control whose request is in flight: {id, fallback}, to put the focus back

  function byId(id) {
    return id ? document.getElementById(id) : null;
  }

  function boardIn(root) {
    if (!root || !root.querySelector) return null;
    return root.id === "map-board" ? root : root.querySelector("#map-board");
  }

  /* The emotion curve: a figure built in Python (journeys/charts.py), drawn by figures.js. */
  function drawCurves(root) {
    window.cxFigures.draw(root, function (element) {
      element.dispatchEvent(new CustomEvent("cx:curve-drawn", {bubbles: true}));  // map_zoom.js: the curve's scale
      // The plot spans the stage columns: follow their width whatever changes it (window, print, new stage).
      if (window.ResizeObserver) {
        var observer = new ResizeObserver(function () {
          if (element.isConnected) {
            resizeCurve(element);
          } else {
            // Swapped out by an edit (htmx puts in a new board with its own curve): let this one go, and its
            // window listener with it.
            observer.disconnect();
            window.Plotly.purge(element);
          }
        });
        observer.observe(element);
      }
    });
  }

  /* Plotly refuses (a rejected promise: "Resize must be passed a displayed plot div element") a plot that is
   * not in the page or not displayed: the old board's curve after a swap, or a hidden one. Only those shown. */
  function isDisplayed(element) {
    return element.isConnected && element.classList.contains("js-plotly-plot") && element.getClientRects().length > 0;
  }

  function resizeCurve(element) {
    if (!window.Plotly || !isDisplayed(element)) return;
    window.Plotly.Plots.resize(element);
  }

  function resizeCurves() {
    document.querySelectorAll(".emotion-curve.js-plotly-plot").forEach(resizeCurve);
  }

  /* Drag and drop: after a drop, send the full order of the board (every stage with its touchpoints). */
  function boardOrder(board) {
    return Array.prototype.map.call(board.querySelectorAll(".stage-head[data-id]"), function (head) {
      var list = board.querySelector('.tp-list[data-stage-id="' + head.dataset.id + '"]');
      var cards = list ? list.querySelectorAll(".tp-card[data-id]") : [];
      return {
        id: Number(head.dataset.id),
        touchpoints: Array.prototype.map.call(cards, function (card) {
          return Number(card.dataset.id);
        }),
      };
    });
  }

  /* The order the user saw before dragging: sent with the new one, so that a drop on a map someone else
   * changed meanwhile merges onto it (journeys/services/order_merge.py). */
  var seenOrder = null;

  function saveOrder(board, movedId) {
    trigger = {id: movedId, fallback: null};
    window.htmx.ajax("POST", board.dataset.reorderUrl, {
      source: board,
      target: "#map-board",
      swap: "outerHTML",
      values: {
        order: JSON.stringify(boardOrder(board)),
        seen_order: JSON.stringify(seenOrder || boardOrder(board)),
        moved: movedId || "",
        structure_version: board.dataset.structureVersion,
      },
    });
  }

  /* An arrow button's move sends the order on screen too, for the same merge. */
  document.addEventListener("htmx:configRequest", function (event) {
    var params = event.detail.parameters;
    var board = event.detail.elt && event.detail.elt.closest ? event.detail.elt.closest("#map-board") : null;
    if (board && params.direction && !params.seen_order) params.seen_order = JSON.stringify(boardOrder(board));
  });

  function makeSortable(root) {
    // root: a new board, or a part of the board the live map swapped in (static/js/live.js).
    var board = boardIn(root) || (root && root.closest ? root.closest("#map-board") : null);
    if (!board || !("canEdit" in board.dataset) || !window.Sortable) return;
    var scope = root.contains(board) ? board : root;
    var common = {
      animation: 150,
      // Mouse-event dragging instead of native HTML5 drag and drop: the same in every browser and in tests.
      forceFallback: true,
      fallbackOnBody: true,
      fallbackTolerance: 4,
      ghostClass: "is-ghost",
      chosenClass: "is-chosen",
      dragClass: "is-dragging",
      onStart: function () { seenOrder = boardOrder(board); },
      onEnd: function (event) {
        if (event.from !== event.to || event.oldIndex !== event.newIndex) saveOrder(board, event.item.id);
      },
    };
    var head = scope.matches(".lane-head") ? scope : scope.querySelector(".lane-head");
    if (head && !window.Sortable.get(head)) {
      new window.Sortable(head, Object.assign({}, common, {
        draggable: ".stage-head",
        handle: ".stage-handle",
        direction: "horizontal",
      }));
    }
    var lists = scope.matches(".tp-list") ? [scope] : Array.prototype.slice.call(scope.querySelectorAll(".tp-list"));
    lists.forEach(function (list) {
      if (window.Sortable.get(list)) return;
      new window.Sortable(list, Object.assign({}, common, {
        group: "touchpoints",
        draggable: ".tp-card",
        filter: "button, .part-menu",
        preventOnFilter: false,
        onAdd: function () { list.classList.remove("is-empty"); },
      }));
    });
  }

  /* The editor dialog: forms arrive in #map-editor-body; a saved form answers with the board. */
  function editor() {
    return byId("map-editor");
  }

  function closeEditor() {
    var dialog = editor();
    if (dialog && dialog.open) dialog.close();
  }

  function focusFirstField(container) {
    // After a stale edit, the panel that says so and lists theirs beside yours comes first.
    var field = container.querySelector("[data-stale-edit], [data-gone], [aria-invalid='true'], input:not([type='hidden']), select, textarea");
    if (field) field.focus();
  }

  function restoreFocus() {
    if (!trigger) return;
    var target = byId(trigger.id);
    if (!target || target.disabled) target = byId(trigger.fallback);
    if (target) target.focus();
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    if (element && element.id && element.tagName === "BUTTON") {
      trigger = {id: element.id, fallback: element.dataset.focus || null};
    }
  });

  // A stale version (409) or invalid input (422) answers with content to show: swap it like a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  document.addEventListener("htmx:responseError", function () {
    var status = byId("map-status");
    if (status) window.cxBoardStatus.showError("map-status", status.dataset.errorText);
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var element = event.target;
    if (element.id === "map-editor-body") {
      var dialog = editor();
      if (dialog && !dialog.open) dialog.showModal();
      focusFirstField(element);
    } else if (element.id === "map-board") {
      closeEditor();
      restoreFocus();
      var success = document.querySelector("#map-status .alert-success");
      if (success) {
        window.setTimeout(function () { success.remove(); }, 6000);
      }
    }
  });

  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-close-editor]")) closeEditor();
    if (event.target.closest("[data-print]")) window.print();
  });

  document.addEventListener("close", function (event) {
    if (event.target.id !== "map-editor") return;
    byId("map-editor-body").replaceChildren();
    restoreFocus();
  }, true);

  /* The period of the measured scores: typing a date chooses "From – to"; choosing a preset clears the dates. */
  document.addEventListener("change", function (event) {
    var form = event.target.closest ? event.target.closest(".map-period") : null;
    if (!form || !form.elements.period) return;
    var preset = form.elements.period;
    if (event.target.type === "date" && event.target.value) {
      preset.value = "custom";
    } else if (event.target === preset && preset.value !== "custom") {
      if (form.elements.from) form.elements.from.value = "";
      if (form.elements.to) form.elements.to.value = "";
    }
  });

  window.addEventListener("beforeprint", resizeCurves);
  window.addEventListener("afterprint", resizeCurves);

  window.htmx.onLoad(function (root) {
    drawCurves(root);
    makeSortable(root);
  });
})();
