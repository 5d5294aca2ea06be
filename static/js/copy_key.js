/* "Copy key" in the menus of a map's cards and stages, and beside the journey's key: copies the key with the
 * Clipboard API, or, where that is missing or refused (an insecure page, an old browser), with a hidden text
 * area and execCommand; says "Copied" in the menu's status (a live region), or, when nothing worked, selects the
 * key for the user to copy. A menu (<details>) closes with Escape, focus back on its button, and on a click
 * elsewhere. Delegated: it works on every board htmx swaps in. */
(function () {
  "use strict";

  // The words, translated by the page (templates/journeys/map.html): once, not on each of a map's cards.
  function text(name, fallback) {
    var texts = document.getElementById("copy-key-texts");
    return (texts && texts.dataset[name]) || fallback;
  }

  function copyWithTextArea(value) {
    var area = document.createElement("textarea");
    area.value = value;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    area.remove();
    return done;
  }

  function copy(value) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(value).then(
        function () { return true; },
        function () { return copyWithTextArea(value); }
      );
    }
    return Promise.resolve(copyWithTextArea(value));
  }

  function selectKey(button) {
    var code = button.parentElement && button.parentElement.querySelector("code");
    if (!code) return;
    var range = document.createRange();
    range.selectNodeContents(code);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-key]") : null;
    if (button) {
      var status = button.parentElement.querySelector(".part-copied");
      copy(button.dataset.copyKey).then(function (done) {
        if (!status) return;
        status.textContent = done
          ? text("copied", "Copied")
          : text("failed", "Copying is blocked here: the key is selected, press Ctrl+C to copy it.");
        status.classList.toggle("is-failed", !done);
        if (!done) selectKey(button);
        window.clearTimeout(status.clearTimer);
        status.clearTimer = window.setTimeout(function () { status.textContent = ""; }, 4000);
      });
      return;
    }
    // A click outside an open menu closes it.
    document.querySelectorAll("details.part-menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var menu = event.target.closest ? event.target.closest("details.part-menu[open]") : null;
    if (!menu) return;
    event.preventDefault();
    event.stopPropagation();
    menu.open = false;
    menu.querySelector("summary").focus();
  });

  // Opening a menu puts the focus on its first item, so Enter on "⋯" then Enter copies.
  document.addEventListener("toggle", function (event) {
    var menu = event.target;
    if (!menu.matches || !menu.matches("details.part-menu") || !menu.open) return;
    var item = menu.querySelector(".part-menu-item");
    if (item && menu.contains(document.activeElement)) item.focus();
  }, true);

})();
