/* Milepost's search as people type (see hooks/milepost/render/search_words.py).

   This file is ASCII, whatever charset a server announces for it.

   Loaded before mkdocs-material's bundle, so that the bundle's search worker is made from
   the Worker below. Three things:

   1. Each word of the query is folded (lower case, no diacritics) and cut to its stem with
      the same rules as the index, which are appended to this file at build time (Polish
      "platnosci" and "wdrozeniem" become "platnosc" and "wdrozen"; so do the same words
      typed with their diacritics). The index holds the folded forms of the pages' words,
      and material searches each term as a prefix.
   2. The results mark the words found that way, as material marks the words it found as
      they are written (it has no idea of folded words).
   3. Any change of the search box's text runs the search: material listens for key
      releases only, so a paste from a mouse or a phone's menu, or a dictated word, did
      not search until the next key. */
(function (RULES) {
  "use strict";

  var QUERY = 2; // material's SearchMessageType.QUERY
  var RESULT = 3; // and its RESULT

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

  // The stems of the last query: the words of the results that start with one are marked,
  // as material marks the words it matched as written.
  var stems = [];

  function matches(word) {
    var folded = fold(word);
    for (var i = 0; i < stems.length; i++) if (folded.startsWith(stems[i])) return true;
    return false;
  }

  // Material's result title and text are HTML: only the text between its tags is marked, and
  // not again inside its own <mark>. Tags and entities are split off by one negated class.
  function mark(markup) {
    if (typeof markup !== "string" || !stems.length) return markup;
    var inMark = 0;
    return markup.split(/(<[^>]*>|&[#\w]*;)/).map(function (part) {
      if (part.charAt(0) === "<") {
        if (/^<mark\b/i.test(part)) inMark++;
        else if (/^<\/mark>/i.test(part)) inMark = Math.max(0, inMark - 1);
        return part;
      }
      if (part.charAt(0) === "&" || inMark) return part;
      return part.replace(WORD, function (word) { return matches(word) ? "<mark>" + word + "</mark>" : word; });
    }).join("");
  }

  function marked(data) {
    if (!data || !Array.isArray(data.items)) return data;
    return Object.assign({}, data, {
      items: data.items.map(function (group) {
        return group.map(function (item) {
          return Object.assign({}, item, { title: mark(item.title), text: mark(item.text) });
        });
      })
    });
  }

  var Base = window.Worker;
  if (typeof Base === "function") {
    window.Worker = class extends Base {
      constructor() {
        super(...arguments);
        this.milepostListeners = new Map();
      }
      postMessage(message) {
        if (message && message.type === QUERY && typeof message.data === "string") {
          var query = transform(message.data);
          stems = query.match(WORD) || [];
          message = Object.assign({}, message, { data: query });
        }
        var rest = Array.prototype.slice.call(arguments, 1);
        return super.postMessage.apply(this, [message].concat(rest));
      }
      addEventListener(type, listener, options) {
        if (type !== "message" || typeof listener !== "function")
          return super.addEventListener(type, listener, options);
        var wrapped = function (event) {
          if (event.data && event.data.type === RESULT)
            event = new MessageEvent("message", { data: Object.assign({}, event.data, { data: marked(event.data.data) }) });
          return listener.call(this, event);
        };
        this.milepostListeners.set(listener, wrapped);
        return super.addEventListener(type, wrapped, options);
      }
      removeEventListener(type, listener, options) {
        var wrapped = this.milepostListeners.get(listener);
        if (type === "message" && wrapped) {
          this.milepostListeners.delete(listener);
          return super.removeEventListener(type, wrapped, options);
        }
        return super.removeEventListener(type, listener, options);
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
