/* Milepost: the glossary's explanations (render/glossary.py, macros.html.j2). They show on
   hover, keyboard focus and tap by CSS alone; this script adds what CSS cannot (WCAG 1.4.13):
   - an explanation that would stick out of the window is moved back into it (on a phone it
     is a strip along the bottom of the screen already, and is left alone);
   - Escape closes the open explanation without moving focus or the pointer; it shows again
     when the word is focused or pointed at anew. */
(function () {
  "use strict";
  var MARGIN = 8;

  function place(term) {
    var tip = term.querySelector(".mp-term-tip");
    if (!tip) return;
    tip.style.left = "";
    tip.style.top = "";
    tip.style.bottom = "";
    var style = window.getComputedStyle(tip);
    if (style.display === "none" || style.position === "fixed") return;
    var rect = tip.getBoundingClientRect();
    var width = document.documentElement.clientWidth;
    var shift = 0;
    if (rect.right > width - MARGIN) shift = width - MARGIN - rect.right;
    if (rect.left + shift < MARGIN) shift = MARGIN - rect.left;
    if (shift) tip.style.left = shift + "px";
    // Below the word when there is room, else above it.
    var word = term.getBoundingClientRect();
    if (rect.bottom > window.innerHeight - MARGIN && word.top - rect.height > MARGIN) {
      tip.style.top = "auto";
      tip.style.bottom = "100%";
    }
  }

  function termOf(node) {
    return node && node.closest ? node.closest(".mp-term") : null;
  }

  document.addEventListener("focusin", function (event) {
    var term = termOf(event.target);
    if (term) {
      term.classList.remove("mp-tip-closed");
      place(term);
    }
  });
  document.addEventListener("mouseover", function (event) {
    var term = termOf(event.target);
    // Coming from outside the term: a new visit, so a tip closed by Escape shows again.
    if (term && !term.contains(event.relatedTarget)) {
      term.classList.remove("mp-tip-closed");
      place(term);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelectorAll(".mp-term:hover, .mp-term:focus-within");
    for (var i = 0; i < open.length; i++) open[i].classList.add("mp-tip-closed");
  });
})();
