/* Milepost's search as people type (see hooks/milepost/render/search_words.py).

   This file is ASCII, whatever charset a server announces for it.

   Loaded before mkdocs-material's bundle, so that the bundle's search worker is made from
   the Worker below. Two things:

   1. Each word of the query is folded (lower case, no diacritics) and cut to its stem with
      the same rules as the index, which are appended to this file at build time (Polish
      "platnosci" and "wdrozeniem" become "platnosc" and "wdrozen"; so do the same words
      typed with their diacritics). The index holds the folded forms of the pages' words,
      and material searches each term as a prefix.
   2. Any change of the search box's text runs the search: material listens for key
      releases only, so a paste from a mouse or a phone's menu, or a dictated word, did
      not search until the next key. */
(function (RULES) {
  "use strict";

  var QUERY = 2; // material's SearchMessageType.QUERY

  function fold(word) {
    var plain = word.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
    var out = "";
    for (var ch of plain) out += Object.prototype.hasOwnProperty.call(RULES.letters, ch) ? RULES.letters[ch] : ch;
    return out;
  }

  function stem(word, language) {
    var endings = RULES.suffixes[language] || [];
    var letters = Array.from(word);
    for (var i = 0; i < endings.length; i++) {
      var ending = Array.from(endings[i]);
      if (letters.length - ending.length >= RULES.min_stem && word.endsWith(endings[i]))
        return letters.slice(0, letters.length - ending.length).join("");
    }
    return word;
  }

  function language() {
    return (document.documentElement.lang || "en").toLowerCase().split("-")[0];
  }

  function queryTerm(word) {
    return stem(fold(word), language());
  }

  // Words: letters, marks, digits and the apostrophe inside Ukrainian words. One class, so
  // linear; material's own syntax (+, -, *, ~, ^, quotes) around them is kept.
  var WORD = /[\p{L}\p{M}\p{N}'\u2019\u02bc]+/gu;

  function transform(query) {
    return query.replace(WORD, queryTerm);
  }

  var Base = window.Worker;
  if (typeof Base === "function") {
    window.Worker = class extends Base {
      postMessage(message) {
        if (message && message.type === QUERY && typeof message.data === "string") {
          message = Object.assign({}, message, { data: transform(message.data) });
        }
        var rest = Array.prototype.slice.call(arguments, 1);
        return super.postMessage.apply(this, [message].concat(rest));
      }
    };
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (box instanceof HTMLInputElement && box.matches("[data-md-component=search-query]")) {
      // Not bubbling: only material's own listener on the box hears it.
      box.dispatchEvent(new KeyboardEvent("keyup"));
    }
  });

  window.milepostSearch = { fold: fold, stem: stem, queryTerm: queryTerm, transform: transform };
})
