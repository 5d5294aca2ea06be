/* The live map: everyone who has a journey's map open sees the others' changes and who else is there.
 *
 * One WebSocket per page (journeys/consumers.py). When someone changes the journey the server says so
 * ({"type": "changed", "revision": n}); the page then fetches the board again (the same fragment the page
 * shows, with the page's query string: the same period of measures) and swaps in only the elements that
 * differ, so the reader's scroll position, focus and open dialog stay. Bursts are coalesced: one fetch in
 * flight, and one more after it if anything changed meanwhile.
 *
 * Presence: the avatars of who else has the map open (in the map header), and on a card "Emma is editing"
 * while Emma has its edit dialog open; opening that card's dialog yourself shows a warning (not a refusal).
 *
 * The socket reconnects with a growing pause; while it is down a banner says so, and on reconnecting the page
 * fetches the board if the journey's revision moved. A dialog whose save cannot reach the server keeps what
 * was typed and says so. */
(function () {
  "use strict";

  var root = document.getElementById("live-map");
  if (!root || !window.WebSocket || !window.fetch) return;

  var PRESENCE_EXPIRY_MS = 50000;
  var DEPTH = 6; // board > grid > lane > cell > list > card: the deepest element swapped on its own

  var revision = Number(root.dataset.revision) || 0;
  var socket = null;
  var attempts = 0;
  var stopped = false;
  var myUserId = null;
  var people = {}; // connection id -> {user, part, seen}
  var myPart = null; // the card whose edit dialog this page has open
  var pendingPart = null; // the card whose edit form was asked for
  var fetching = false;
  var fetchAgain = false;

  function text(name, values) {
    var template = root.dataset[name] || "";
    return template.replace(/%\((\w+)\)s/g, function (_match, key) { return values && key in values ? values[key] : ""; });
  }

  function byId(id) {
    return id ? document.getElementById(id) : null;
  }

  /* The connection */

  function socketUrl() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + root.dataset.socketPath;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  /* The connection's state on the element, for a style or a test: connected, offline or refused. */
  function state(name) {
    root.dataset.state = name;
  }

  function banner(message) {
    var element = byId("live-offline");
    if (!element) return;
    element.textContent = message || "";
    element.hidden = !message;
  }

  function connect() {
    if (stopped) return;
    var current = new WebSocket(socketUrl());
    socket = current;
    current.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      handle(message);
    };
    current.onclose = function (event) {
      if (socket === current) socket = null;
      people = {};
      renderPresence();
      if (stopped) return;
      if (event.code === 4403) {
        stopped = true;
        state("refused");
        banner(text("textRefused"));
        return;
      }
      state("offline");
      banner(text("textOffline"));
      // 0.5 s, 1 s, 2 s ... up to 30 s, a little random so that a restarted server is not hit all at once.
      var pause = Math.min(30000, 500 * Math.pow(2, attempts)) * (0.75 + Math.random() / 2);
      attempts += 1;
      window.setTimeout(connect, pause);
    };
  }

  function handle(message) {
    if (message.type === "hello") {
      attempts = 0;
      state("connected");
      banner("");
      myUserId = message.user ? message.user.id : null;
      if (myPart) send({type: "editing", part: myPart});
      if (message.revision !== revision) {
        revision = message.revision;
        refresh();
      }
    } else if (message.type === "changed") {
      revision = message.revision;
      refresh();
    } else if (message.type === "presence") {
      if (message.event === "leave") {
        delete people[message.id];
      } else {
        people[message.id] = {user: message.user, part: message.part, seen: Date.now()};
      }
      renderPresence();
    }
  }

  // Leaving the page closes the socket: that is no reason to say "offline".
  window.addEventListener("pagehide", function () { stopped = true; });

  /* Fetching the board and swapping in what changed */

  function refresh() {
    if (fetching) {
      fetchAgain = true;
      return;
    }
    fetching = true;
    fetchAgain = false;
    window.fetch(root.dataset.boardUrl + location.search, {credentials: "same-origin"})
      .then(function (response) {
        if (response.redirected || !response.ok) throw new Error("board " + response.status);
        return response.text();
      })
      .then(swapBoard)
      .catch(function () { /* the next change, or the next reconnection, fetches again */ })
      .then(function () {
        fetching = false;
        if (fetchAgain) refresh();
      });
  }

  function dragging() {
    return document.querySelector(".sortable-fallback, #map-board .is-chosen") !== null;
  }

  /* The element as the server rendered it: without what this page added (editing badges, drawn plots, styles). */
  function normalized(element) {
    var clone = element.cloneNode(true);
    clone.querySelectorAll(".live-editing").forEach(function (badge) { badge.remove(); });
    clone.querySelectorAll("[data-figure]").forEach(function (plot) {
      // Plotly's drawing: its elements and its class.
      plot.replaceChildren();
      plot.classList.remove("js-plotly-plot");
    });
    // The server sends no style attribute (the Content Security Policy refuses them): every one is this page's
    // (Plotly's inline size, data_styles.js's colours and the board's --stage-count).
    [clone].concat(Array.prototype.slice.call(clone.querySelectorAll("[style]"))).forEach(function (node) {
      node.removeAttribute("style");
    });
    [clone].concat(Array.prototype.slice.call(clone.querySelectorAll("[draggable]"))).forEach(function (node) {
      if (node.removeAttribute) node.removeAttribute("draggable");
    });
    return clone;
  }

  function sameAttributes(a, b) {
    if (a.attributes.length !== b.attributes.length) return false;
    for (var i = 0; i < a.attributes.length; i += 1) {
      if (b.getAttribute(a.attributes[i].name) !== a.attributes[i].value) return false;
    }
    return true;
  }

  /* Can `fresh` be reached by swapping some of `old`'s children, `old` itself staying: the same tag and
   * attributes, and the same sequence of children (texts equal, elements of the same tag and id)? */
  function sameShell(old, fresh) {
    if (old.tagName !== fresh.tagName || !sameAttributes(old, fresh)) return false;
    var a = old.childNodes;
    var b = fresh.childNodes;
    if (a.length !== b.length) return false;
    for (var i = 0; i < a.length; i += 1) {
      if (a[i].nodeType !== b[i].nodeType) return false;
      if (a[i].nodeType === Node.ELEMENT_NODE) {
        if (a[i].tagName !== b[i].tagName || a[i].id !== b[i].id) return false;
      } else if (a[i].nodeValue !== b[i].nodeValue) {
        return false;
      }
    }
    return true;
  }

  /* Swap into the page the smallest elements that differ; returns those put in. */
  function patch(old, fresh, depth, swapped) {
    var oldClean = normalized(old);
    if (oldClean.isEqualNode(fresh)) return swapped;
    // A figure is redrawn whole: its cell is swapped as one.
    if (depth < DEPTH && !old.matches(".curve-cell, [data-figure]") && sameShell(oldClean, fresh)) {
      // Badges this page added come last among the children: the server's elements pair up in order.
      for (var i = 0; i < fresh.children.length; i += 1) {
        patch(old.children[i], fresh.children[i], depth + 1, swapped);
      }
      return swapped;
    }
    var adopted = document.importNode(fresh, true);
    old.replaceWith(adopted);
    swapped.push(adopted);
    return swapped;
  }

  function swapBoard(html) {
    var board = byId("map-board");
    var template = document.createElement("template");
    template.innerHTML = html;
    var fresh = template.content.querySelector("#map-board");
    if (!board || !fresh) return;
    if (dragging()) {
      // Never pull the list from under someone's mouse: once the drop is saved, the board comes back anyway.
      window.setTimeout(refresh, 700);
      return;
    }
    var focused = document.activeElement && document.activeElement.id;
    var scroller = board.querySelector(".map-scroll");
    var scroll = scroller ? [scroller.scrollLeft, scroller.scrollTop] : null;
    // The board's own attributes (its structure version, for the next reorder) are taken over as they are; its
    // style is this page's (data_styles.js sets --stage-count from data-stage-count).
    Array.prototype.slice.call(board.attributes).forEach(function (attribute) {
      if (attribute.name !== "style" && !fresh.hasAttribute(attribute.name)) board.removeAttribute(attribute.name);
    });
    Array.prototype.forEach.call(fresh.attributes, function (attribute) {
      if (board.getAttribute(attribute.name) !== attribute.value) board.setAttribute(attribute.name, attribute.value);
    });
    var swapped = patch(board, fresh, 0, []);
    swapped.forEach(function (element) {
      window.htmx.process(element);
      window.htmx.trigger(element, "htmx:load");
    });
    var newScroller = byId("map-board").querySelector(".map-scroll");
    if (scroll && newScroller && newScroller !== scroller) {
      newScroller.scrollLeft = scroll[0];
      newScroller.scrollTop = scroll[1];
    }
    if (focused && document.activeElement === document.body) {
      var again = byId(focused);
      if (again) again.focus({preventScroll: true});
    }
    renderBadges();
  }

  /* Presence */

  function others() {
    var now = Date.now();
    var list = [];
    Object.keys(people).forEach(function (id) {
      var entry = people[id];
      if (now - entry.seen > PRESENCE_EXPIRY_MS) {
        delete people[id];
      } else if (entry.user && entry.user.id !== myUserId) {
        list.push(entry);
      }
    });
    return list;
  }

  function colour(userId) {
    return "hsl(" + ((Number(userId) * 137) % 360) + " 45% 40%)";
  }

  function renderPresence() {
    var list = byId("live-presence");
    if (list) {
      var seen = {};
      var items = [];
      others().forEach(function (entry) {
        if (seen[entry.user.id]) return;
        seen[entry.user.id] = true;
        var item = document.createElement("li");
        item.className = "live-avatar";
        item.title = entry.user.name;
        item.dataset.userId = entry.user.id;
        item.style.background = colour(entry.user.id);
        var initials = document.createElement("span");
        initials.setAttribute("aria-hidden", "true");
        initials.textContent = entry.user.initials;
        var name = document.createElement("span");
        name.className = "visually-hidden";
        name.textContent = entry.user.name;
        item.append(initials, name);
        items.push(item);
      });
      list.replaceChildren.apply(list, items);
    }
    renderBadges();
    renderDialogWarning();
  }

  function editorsOf(part) {
    var names = [];
    others().forEach(function (entry) {
      if (entry.part === part && names.indexOf(entry.user.name) < 0) names.push(entry.user.name);
    });
    return names;
  }

  function renderBadges() {
    document.querySelectorAll("#map-board .live-editing").forEach(function (badge) { badge.remove(); });
    var parts = {};
    others().forEach(function (entry) { if (entry.part) parts[entry.part] = true; });
    Object.keys(parts).forEach(function (part) {
      var element = byId(part);
      if (!element) return;
      var badge = document.createElement("p");
      badge.className = "live-editing";
      badge.textContent = text("textEditing", {name: editorsOf(part).join(", ")});
      element.appendChild(badge);
    });
  }

  /* A note in the edit dialog, under its title, where the reader looks first. */
  function placeNote(body, note) {
    var head = body.querySelector(".map-form-head");
    if (head) head.after(note);
    else (body.querySelector("form") || body).prepend(note);
    note.scrollIntoView({block: "nearest"});
  }

  function renderDialogWarning() {
    var body = byId("map-editor-body");
    if (!body) return;
    var warning = body.querySelector(".live-dialog-warning");
    var names = myPart ? editorsOf(myPart) : [];
    if (!names.length) {
      if (warning) warning.remove();
      return;
    }
    if (!warning) {
      warning = document.createElement("p");
      warning.className = "alert alert-warning live-dialog-warning";
      warning.setAttribute("role", "status");
      warning.textContent = text("textEditingHere", {name: names.join(", ")});
      placeNote(body, warning);
    }
    warning.textContent = text("textEditingHere", {name: names.join(", ")});
  }

  window.setInterval(renderPresence, 10000); // forget those not heard of for PRESENCE_EXPIRY_MS

  /* The edit dialog: which card it edits, for the others' "is editing" */

  document.addEventListener("htmx:beforeRequest", function (event) {
    var element = event.detail.elt;
    var match = element && element.id ? /^((?:tp|stage|finding)-\d+)-edit$/.exec(element.id) : null;
    if (match) pendingPart = match[1];
    else if (element && element.getAttribute && element.getAttribute("hx-get")) pendingPart = null;
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.target.id !== "map-editor-body") return;
    var dialog = byId("map-editor");
    if (dialog && dialog.open && pendingPart !== myPart) {
      myPart = pendingPart;
      send({type: "editing", part: myPart});
    }
    renderDialogWarning();
  });

  document.addEventListener("close", function (event) {
    if (event.target.id !== "map-editor") return;
    pendingPart = null;
    if (myPart) {
      myPart = null;
      send({type: "editing", part: null});
    }
  }, true);

  /* A save that cannot reach the server: the dialog stays open with what was typed, and says so. */
  document.addEventListener("htmx:sendError", function (event) {
    var body = byId("map-editor-body");
    var element = event.detail.elt;
    if (body && element && body.contains(element)) {
      var note = body.querySelector(".live-unsent");
      if (!note) {
        note = document.createElement("p");
        note.className = "alert alert-error live-unsent";
        note.setAttribute("role", "alert");
        note.textContent = text("textUnsent");
        placeNote(body, note);
      }
      note.textContent = text("textUnsent");
    } else if (window.cxBoardStatus && byId("map-status")) {
      window.cxBoardStatus.showError("map-status", text("textUnsent"));
    }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    if (!event.detail.failed || event.detail.xhr.status) {
      var note = document.querySelector("#map-editor-body .live-unsent");
      if (note && event.detail.xhr && event.detail.xhr.status) note.remove();
    }
  });

  connect();
})();
