"""Search that forgives how a word is typed: words folded to plain letters and cut to a stem.

Plain functions over plain strings. Both halves of the site search use them, from one set of
rules (`search_words.json` beside this module):

- the **index** (at build time, in Python): each entry of the site's search index gets the
  folded forms of its words in two extra fields, `title_forms` and `text_forms`
  (`index_forms`). mkdocs-material indexes every field named in the index's `config.fields`,
  and shows only `title` and `text` in its results, so the extra words never appear in a
  preview. `mkdocs/site.py` adds them, before the search plugin writes the index.
- the **query** (in the browser, in JavaScript): `assets/milepost-search.js`, with these rules
  embedded by `search_script()`, turns each typed word into `query_term(word, language)` before
  material's search worker sees it.

Why this way (mkdocs-material 9.x, lunr; tests/unit/test_material_internals.py checks what of it this relies on):
- Material's worker parses the query itself and appends a trailing wildcard to every term
  ("wdroż" becomes "wdroż*"), and lunr does not stem a wildcard term. The theme offers no
  hook to change the query any more (older versions had `__search.transform`; this one
  calls its own `transformSearchQuery` inside the worker). So the script wraps the page's
  `Worker` and rewrites the query message on its way to the worker: a documented, tested,
  small dependence on material's message format ({type: 2, data: query}), checked by the
  browser tests of every language.
- Folding: lower case, Unicode NFKD with the combining marks removed (ż→z, ó→o, ü→u, ё→е,
  й→и, ї→і), then the letters NFKD does not split (`letters`: ł→l, ß→ss, ґ→г; apostrophes
  go, so "кавярня" finds "кав'ярня"). JavaScript's `normalize("NFKD")` and Python's
  `unicodedata` do the same, so both halves fold alike.
- Stemming: no well-kept stemmer covers Polish and Ukrainian in both Python and JavaScript,
  and the two halves must cut a word in exactly the same place. So the stem is one rule,
  the same in both: remove the longest listed ending of the word's language (`suffixes`,
  inflectional endings only: cases, numbers, adjective endings), leaving at least
  `min_stem` letters. It is deliberately crude: it only ever cuts the end of a word.
- That is why the index holds folded words and no stems: the query is searched as a prefix,
  and a stem is always a prefix of its word. "wdrożeniem" becomes "wdrozen", which is the
  start of the folded "wdrozenie" and "wdrozeniu"; "platnosci" becomes "platnosc", the start
  of "platnosc" (płatność) and "platnosci" (płatności). Typing the start of a word keeps
  working: "wdroż" becomes "wdroz".
- A word's folded form is added only when it differs from the word as written (lower case):
  words with no diacritics are found in `title`/`text` themselves.
- Material marks in its results the words it matched as written; for the others the script
  marks, in the results' text between tags, the words whose folded form starts with one of
  the query's stems, and makes a paste (an input event with no key released) search too.
  What it does not reach: the marks material puts on the opened page (`search.highlight`,
  from the `?h=` of the link), which still follow the query as typed.

Matching is by start, so a short stem finds more than the exact word ("plan" also finds
"planowanie"); what it never does is miss a page that has the word in another form or
without its diacritics.
"""

from __future__ import annotations

import functools
import html
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from milepost.render.search_language import SEPARATOR

RULES_FILE = Path(__file__).with_name("search_words.json")
SCRIPT_FILE = Path(__file__).parent.parent / "assets" / "milepost-search.js"
SCRIPT_PATH = "assets/milepost-search.js"  # where the site serves it

# Material's index text is HTML (<p>, <code>, <a href>...): the tags are not words.
# Linear: one negated class, no nesting.
_TAG = re.compile(r"<[^>]*>")
_SPLIT = re.compile(SEPARATOR)


@functools.cache
def rules() -> dict[str, Any]:
    """The rules as both halves use them: suffixes folded and longest first."""
    data = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    letters: dict[str, str] = data["letters"]
    suffixes = {
        language: sorted({_fold(ending, letters) for ending in endings}, key=lambda s: (-len(s), s))
        for language, endings in data["suffixes"].items()
    }
    return {"letters": letters, "min_stem": int(data["min_stem"]), "suffixes": suffixes}


def _fold(word: str, letters: dict[str, str]) -> str:
    plain = "".join(
        ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.category(ch).startswith("M")
    )
    return "".join(letters.get(ch, ch) for ch in plain)


def fold(word: str) -> str:
    """`word` in lower case, without diacritics: "Płatności" -> "platnosci", "Küchen" -> "kuchen"."""
    return _fold(word, rules()["letters"])


def stem(word: str, language: str) -> str:
    """A folded word without its ending in `language`: "wdrozeniem" -> "wdrozen" (pl).
    Languages with no endings listed are left as they are."""
    table = rules()
    for ending in table["suffixes"].get(language.split("-")[0], ()):
        if word.endswith(ending) and len(word) - len(ending) >= table["min_stem"]:
            return word[: -len(ending)]
    return word


def query_term(word: str, language: str) -> str:
    """What the search looks for (as a prefix) when a reader types `word`."""
    return stem(fold(word), language)


def index_forms(markup: str) -> str:
    """The folded forms of the words of an index field (material's HTML text), the ones that
    differ from the word as written, once each, space-separated; "" if there are none."""
    text = html.unescape(_TAG.sub(" ", markup))
    forms: dict[str, None] = {}
    for word in _SPLIT.split(text):
        lower = word.strip().lower()
        if not lower:
            continue
        folded = fold(lower)
        if folded and folded != lower:
            forms.setdefault(folded, None)
    return " ".join(forms)


def search_script() -> str:
    """The browser half: assets/milepost-search.js with the rules it shares with the index."""
    source = SCRIPT_FILE.read_text(encoding="utf-8").rstrip().rstrip(";")
    # ensure_ascii: the rules reach the script as plain ASCII escapes, whatever the server's
    # idea of the file's charset; "<" cannot occur in them.
    return f"{source}({json.dumps(rules(), ensure_ascii=True, sort_keys=True)});\n"
