/* Milepost: "New since your last visit" (render/visit_marks.py).

   Each fact a returning client may want to notice carries a key in `data-milepost-change`
   that changes when the fact does (a milestone's dates, a new item waiting on the client, a
   finished part, an answer). On load this script compares the page's keys with those stored
   on the last visit to this page, marks each new one with the page's own words (the hidden
   `.mp-visit-label`, in the site's language), then stores the current keys.

   - Remembered in this browser only (localStorage, one entry per page address); nothing is
     sent anywhere.
   - Nothing is marked on a first visit (nothing stored yet), nor where storage is refused
     (a private window, file:// in some browsers): the page stays as it is.
   - Without JavaScript the page is the same, without marks. */
(function () {
  "use strict";
  var STORE_PREFIX = "milepost-visit:";

  function storage() {
    try {
      return window.localStorage;  // reading the property itself may throw when refused
    } catch (error) {
      return null;
    }
  }

  function place(item, badge) {
    // Inside a table row, in its first cell; after a heading that opens the item (a card's
    // project name), else first.
    if (item.tagName === "TR") item = item.cells[0] || item;
    var first = item.firstElementChild;
    if (first && /^H[1-6]$/.test(first.tagName)) {
      item.insertBefore(badge, first.nextSibling);
    } else {
      item.insertBefore(badge, item.firstChild);
    }
  }

  // Kinds of fact every page that has one always shows (the project's finish): a page whose
  // last visit stored none of them was made before the site marked that kind, so its first
  // key is not news (else a new version of the site would mark it on every page once).
  var ALWAYS_SHOWN = { finish: true };

  function seenKind(seen, key) {
    var kind = key.split(":")[0];
    if (!ALWAYS_SHOWN[kind]) return true;
    for (var stored in seen) {
      if (stored.split(":")[0] === kind) return true;
    }
    return false;
  }

  function mark() {
    var label = document.querySelector(".mp-visit-label > .mp-visit-new");
    var store = storage();
    if (!label || !store) return;
    var items = document.querySelectorAll("[data-milepost-change]");
    var keys = [];
    for (var i = 0; i < items.length; i++) keys.push(items[i].getAttribute("data-milepost-change"));
    var name = STORE_PREFIX + window.location.pathname;
    var seen = null;
    try {
      var stored = JSON.parse(store.getItem(name) || "null");
      if (Array.isArray(stored)) {
        seen = {};
        for (var j = 0; j < stored.length; j++) seen[stored[j]] = true;
      }
    } catch (error) {
      seen = null;  // unreadable: treated as a first visit
    }
    if (seen) {
      for (var k = 0; k < items.length; k++) {
        if (seen[keys[k]]) continue;
        if (!seenKind(seen, keys[k])) continue;
        items[k].classList.add("mp-visit-changed");
        place(items[k], label.cloneNode(true));
      }
    }
    try {
      store.setItem(name, JSON.stringify(keys));
    } catch (error) {
      /* full or refused: the next visit is a first one */
    }
  }

  mark();
})();
