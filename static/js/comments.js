/* Comment threads: the map's comment dialog (threads arrive in #comment-dialog-body), opening the thread a
   link names (#comments-touchpoint-12), and the @ mention picker of every comment box (textarea[data-mentions]):
   type @ and a few letters, choose with the arrows and Enter (or a click), Escape closes the list. */
(function () {
  "use strict";

  function byId(id) { return document.getElementById(id); }

  /* The dialog */
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (!target || target.id !== "comment-dialog-body") return;
    var dialog = byId("comment-dialog");
    if (dialog && !dialog.open) dialog.showModal();
    var box = byId("comment-text");
    if (box) box.focus();
  });
  document.addEventListener("click", function (event) {
    if (!event.target.closest("[data-close-comments]")) return;
    var dialog = event.target.closest("dialog");
    if (dialog) dialog.close();
  });
  document.addEventListener("close", function (event) {
    if (event.target.id !== "comment-dialog") return;
    byId("comment-dialog-body").replaceChildren();
    // Back to the card's button (by id: a new comment replaced the button itself, with its count).
    var opener = openerId && byId(openerId);
    if (opener) opener.focus();
  }, true);
  var openerId = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var button = event.detail.elt;
    if (button && button.classList && button.classList.contains("comment-btn")) openerId = button.id;
  });
  function openFromHash() {
    if (!/^#comments-[a-z]+-\d+$/.test(location.hash)) return;
    var button = byId(location.hash.slice(1));
    if (button && window.htmx) window.htmx.trigger(button, "click");
  }
  if (document.readyState === "complete") openFromHash();
  else window.addEventListener("load", openFromHash);

  /* The mention picker */
  var TOKEN = /(^|[^\w@.+-])@([\w.+-]*)$/;
  var state = { box: null, list: null, items: [], active: -1, timer: null, seq: 0 };

  function closeList() {
    if (state.list) state.list.remove();
    if (state.box) {
      state.box.setAttribute("aria-expanded", "false");
      state.box.removeAttribute("aria-activedescendant");
    }
    state.list = null; state.items = []; state.active = -1;
  }

  function tokenAt(box) {
    var match = TOKEN.exec(box.value.slice(0, box.selectionStart));
    return match ? match[2] : null;
  }

  function setActive(index) {
    if (!state.items.length) return;
    state.active = (index + state.items.length) % state.items.length;
    state.items.forEach(function (item, i) { item.setAttribute("aria-selected", i === state.active ? "true" : "false"); });
    state.box.setAttribute("aria-activedescendant", state.items[state.active].id);
    state.items[state.active].scrollIntoView({ block: "nearest" });
  }

  function pick(item) {
    var box = state.box;
    var before = box.value.slice(0, box.selectionStart);
    var after = box.value.slice(box.selectionStart);
    var start = before.lastIndexOf("@");
    var inserted = "@" + item.dataset.username + " ";
    box.value = before.slice(0, start) + inserted + after;
    var caret = start + inserted.length;
    box.setSelectionRange(caret, caret);
    closeList();
    box.focus();
  }

  function show(box, people) {
    closeList();
    state.box = box;
    if (!people.length) return;
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = box.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", box.dataset.mentionLabel || "People");
    people.forEach(function (person, i) {
      var item = document.createElement("li");
      item.id = list.id + "-" + i;
      item.setAttribute("role", "option");
      item.dataset.username = person.username;
      var name = document.createElement("span");
      name.textContent = person.name;
      var handle = document.createElement("span");
      handle.className = "mention-handle";
      handle.textContent = "@" + person.username;
      item.append(name, " ", handle);
      item.addEventListener("mousedown", function (event) { event.preventDefault(); pick(item); });
      list.appendChild(item);
    });
    box.insertAdjacentElement("afterend", list);
    box.setAttribute("aria-controls", list.id);
    box.setAttribute("aria-expanded", "true");
    state.list = list;
    state.items = Array.prototype.slice.call(list.children);
    setActive(0);
  }

  function lookUp(box) {
    var token = tokenAt(box);
    if (token === null) { closeList(); return; }
    clearTimeout(state.timer);
    var seq = ++state.seq;
    state.timer = setTimeout(function () {
      fetch(box.dataset.peopleUrl + "?q=" + encodeURIComponent(token), { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { people: [] }; })
        .then(function (data) { if (seq === state.seq && document.activeElement === box) show(box, data.people || []); })
        .catch(function () { closeList(); });
    }, 120);
  }

  function prepare(box) {
    if (box.dataset.mentionsReady) return;
    box.dataset.mentionsReady = "1";
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-expanded", "false");
  }

  document.addEventListener("focusin", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-mentions]")) prepare(event.target);
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-mentions]")) lookUp(event.target);
  });
  document.addEventListener("keydown", function (event) {
    if (!state.list || event.target !== state.box) return;
    if (event.key === "ArrowDown") { event.preventDefault(); setActive(state.active + 1); }
    else if (event.key === "ArrowUp") { event.preventDefault(); setActive(state.active - 1); }
    else if (event.key === "Enter" || event.key === "Tab") {
      if (state.active >= 0) { event.preventDefault(); pick(state.items[state.active]); }
    } else if (event.key === "Escape") {
      // Close the list, not the dialog around it.
      event.preventDefault(); event.stopPropagation(); closeList();
    }
  }, true);
  document.addEventListener("focusout", function (event) {
    if (state.list && event.target === state.box) setTimeout(closeList, 150);
  });
})();
