"""How the site search (mkdocs-material's lunr search) treats each language: plain data.

Material's search runs in the browser with lunr.js and the lunr-languages scripts it ships
(under `assets/javascripts/lunr/`, so search works offline). Three settings decide what a
typed word finds:

- `lang`: the lunr language(s). There is a lunr stemmer for German and Russian, none for
  Polish or Ukrainian. A language lunr does not know must not be named here: the browser
  would try to load a script that does not exist and search would not start.
- `pipeline`: which of lunr's `stemmer`, `stopWordFilter` and `trimmer` run on the index.
  lunr's default `trimmer` strips every character outside A-Z, so with it a Polish "ż" or
  any Cyrillic word would be cut away; none of the settings below uses it.
- `separator`: where words are split, a JavaScript regular expression.

Material types a trailing wildcard after every word the reader types ("wdroż" searches
"wdroż*"), and a wildcard query skips stemming, so lunr's own stemmers (de, ru) never act on
a typed word: lunr's search is a prefix search on the words as written, lower-cased. That is
why no stemmer is turned on here, and why Polish and Ukrainian, which have none, work alike.

What makes a word typed without its diacritics, or in another grammatical form, find the
page is `search_words.py`: the index also holds each word folded to plain letters
("wdrozenie"), and the browser folds and stems each typed word the same way before material
searches it ("wdrożeniem" and "wdrozeniem" both search "wdrozen*", which finds "wdrożenie"
and "wdrożeniu"; "Kuchen" finds "Küchen"; "оплаты" finds "оплата"). Typing the start of a
word keeps working ("wdroż"). A paste runs the search too (`assets/milepost-search.js`).
docs/languages.md says this to the agency, and tests/browser/test_browser_languages.py
checks it in Chromium for every language.

Stop words (for de, en, ru) are left out of the index: "und", "the", "и" find nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

# Spaces, dashes, brackets, quotes and sentence punctuation. A full stop or comma splits only
# when no digit follows, so "1.5", "1,5" and "12.12.2026" stay whole. The apostrophe is NOT a
# separator: it belongs inside Ukrainian words (п'ятниця, зв'язок).
SEPARATOR = r'[\s\-–—:;!?()\[\]{}"„“”«»/]+|[.,](?!\d)'


@dataclass(frozen=True)
class SearchSettings:
    lang: tuple[str, ...]  # lunr languages, as material's `plugins.search.lang`
    pipeline: tuple[str, ...]  # subset of ("stemmer", "stopWordFilter", "trimmer")
    separator: str = SEPARATOR


# Languages with a lunr-languages script of their own (shipped with mkdocs-material) and the
# ones Milepost writes sites in. Others fall back to lunr's built-in "en" with no stemming,
# no stop words and no trimming: word-prefix search in any alphabet.
_SETTINGS = {
    "en": SearchSettings(lang=("en",), pipeline=("stopWordFilter",)),
    "de": SearchSettings(lang=("de",), pipeline=("stopWordFilter",)),
    "ru": SearchSettings(lang=("ru",), pipeline=("stopWordFilter",)),
    # No lunr stemmer or stop-word list exists for these two; the English ones would be wrong.
    "pl": SearchSettings(lang=("en",), pipeline=()),
    "uk": SearchSettings(lang=("en",), pipeline=()),
}
_ANY_LANGUAGE = SearchSettings(lang=("en",), pipeline=())


def search_settings(language: str) -> SearchSettings:
    """The search settings for a site written in `language` (any code; unknown ones work too)."""
    return _SETTINGS.get(language, _ANY_LANGUAGE)
