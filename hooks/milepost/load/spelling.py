"""Likely misspellings in the texts a client reads, found with real dictionaries.

`milepost check` spells every text of projects/ that reaches a client's pages or letters
(`CLIENT_TEXTS`: titles, summaries, reasons, plans, decisions, waiting items, change requests,
glossary explanations...) in the client's language, with Hunspell's dictionaries through
Enchant (pyenchant). A build does not: spelling is the check's job, and builds stay fast.

A text is cut into words in one pass: it is split at white space, a piece that is an address
(`https://...`, `www....`, `name@host`) is skipped, and the words of the other pieces are
found by one regular expression without overlapping quantifiers (linear time). A word is
left alone when it holds a digit or `_`, is a single letter, or has a capital after its first
letter (`API`, `iOS`, `WooCommerce`: acronyms and product names). Words that are allowed
whatever the dictionary says (`Allowed`): people's names (contacts, deputies, letters'
recipients), the client's name, glossary terms, and the portal's word list
(`projects/words.txt`, one word per line, `#` starts a comment).

Everything here is plain data: a `Misspelling` says where (file, line, field), which word,
and the dictionary's suggestions. A missing dictionary (or the Enchant library) is a
`MissingDictionary`: one line saying which package to install.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milepost.load.problems import field_name
from milepost.load.yaml_source import PathKey, YamlDocument

WORD_LIST = "words.txt"  # in projects/: the portal's own words

# The dictionaries of each language a site speaks (any one that knows a word accepts it),
# and the Debian package that installs them.
DICTIONARIES: Mapping[str, tuple[str, ...]] = {
    "en": ("en_US", "en_GB"),
    "pl": ("pl_PL",),
    "ru": ("ru_RU",),
    "uk": ("uk_UA",),
    "de": ("de_DE",),
}
PACKAGES: Mapping[str, str] = {
    "en": "hunspell-en-us hunspell-en-gb",
    "pl": "hunspell-pl",
    "ru": "hunspell-ru",
    "uk": "hunspell-uk",
    "de": "hunspell-de-de",
}
ENCHANT_PACKAGE = "libenchant-2-2"

ANY = "*"  # in a field pattern: any list item or mapping key
# Where a client reads the text of a file (patterns of YAML paths).
PROJECT_TEXTS: tuple[PathKey, ...] = (
    ("name",),
    ("summary",),
    ("health_override", "reason"),
    ("milestones", ANY, "title"),
    ("milestones", ANY, "description"),
    ("milestones", ANY, "tasks", ANY, "title"),
    ("milestones", ANY, "delay", "reason"),
    ("milestones", ANY, "delay", "plan"),
    ("milestones", ANY, "health_override", "reason"),
    ("waiting_on_client", ANY, "title"),
    ("decisions", ANY, "title"),
    ("decisions", ANY, "agreed", ANY),
    ("decisions", ANY, "summary"),
    ("changes", ANY, "title"),
    ("changes", ANY, "impact"),
    ("deliverables", ANY, "title"),
    ("deliverables", ANY, "description"),
    ("glossary", ANY),
)
CLIENT_TEXTS: tuple[PathKey, ...] = (
    ("response_time",),
    ("contacts", ANY, "role"),
    ("glossary", ANY),
)

# A word: letters, with inner apostrophes (English "don't", Ukrainian "кав'ярня"). `\w` also
# takes digits and `_`; such words are skipped after matching. The apostrophe class is
# disjoint from `\w`, so each character can be matched one way only: linear time.
_WORD = re.compile(r"\w+(?:['’ʼ]\w+)*")
_ADDRESS_STARTS = ("http://", "https://", "www.", "mailto:")


@dataclass(frozen=True, order=True)
class Misspelling:
    """A word no dictionary of the client's language knows, where it was written."""

    path: str
    line: int
    field: str
    word: str
    suggestions: tuple[str, ...] = ()

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line > 0 else self.path
        text = f'{where}: {self.field}: "{self.word}" may be misspelt'
        if self.suggestions:
            text += f" (did you mean: {', '.join(self.suggestions)}?)"
        return text


@dataclass(frozen=True)
class MissingDictionary:
    """The language cannot be spelled here: what to install."""

    language: str
    reason: str

    def __str__(self) -> str:
        return f"spelling not checked in {self.language!r}: {self.reason}"


@dataclass(frozen=True)
class Allowed:
    """Words accepted whatever the dictionary says, compared without case."""

    words: frozenset[str] = frozenset()

    def __contains__(self, word: str) -> bool:
        return word.casefold() in self.words

    @classmethod
    def of(cls, *texts: Iterable[str]) -> Allowed:
        """Every word of every text given (names, terms, lines of a word list)."""
        found: set[str] = set()
        for group in texts:
            for text in group:
                found.update(word.casefold() for word in _words(text))
        return cls(frozenset(found))


class Speller:
    """One language's dictionaries (pyenchant): is a word known, and what else it could be."""

    def __init__(self, language: str, dictionaries: list[Any]) -> None:
        self.language = language
        self._dictionaries = dictionaries
        self._known: dict[str, bool] = {}
        # Asked again for each client and note a word is in; a suggestion takes Hunspell tens
        # of milliseconds (a portal with many warnings spent nearly all of `check` there).
        self._suggested: dict[tuple[str, int], tuple[str, ...]] = {}

    def knows(self, word: str) -> bool:
        if word not in self._known:
            self._known[word] = any(d.check(word) for d in self._dictionaries) or (
                # A word in capitals at a sentence's start, or in a title: its lower-case form.
                word[:1].isupper() and any(d.check(word.lower()) for d in self._dictionaries)
            )
        return self._known[word]

    def suggest(self, word: str, limit: int = 3) -> tuple[str, ...]:
        key = (word, limit)
        if key not in self._suggested:
            self._suggested[key] = tuple(self._dictionaries[0].suggest(word)[:limit])
        return self._suggested[key]


def open_speller(language: str) -> Speller | MissingDictionary:
    """The dictionaries of `language` ("pl"...), or what is missing to spell it."""
    tags = DICTIONARIES.get(language)
    if tags is None:
        return MissingDictionary(language, "Milepost has no dictionary for this language")
    try:
        import enchant  # the C library is looked for at import
    except ImportError:
        return MissingDictionary(
            language,
            f"the Enchant library is not installed; install it (Debian: apt-get install {ENCHANT_PACKAGE} "
            f"{PACKAGES[language]}, or run `make dictionaries`)",
        )
    found = [enchant.Dict(tag) for tag in tags if enchant.dict_exists(tag)]
    if not found:
        return MissingDictionary(
            language,
            f"no {' or '.join(tags)} dictionary is installed; install it (Debian: apt-get install "
            f"{PACKAGES[language]}, or run `make dictionaries`)",
        )
    return Speller(language, found)


def read_word_list(path: Path) -> tuple[str, ...]:
    """The words of a portal's word list (no file: none)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    return tuple(line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip())


def misspelt_words(text: str, knows: Callable[[str], bool], allowed: Allowed) -> Iterator[str]:
    """The words of `text` that are neither known nor allowed, in order, each once."""
    seen = set()
    for word in _words(text):
        if word in seen or _skipped(word) or word in allowed or knows(word):
            continue
        seen.add(word)
        yield word


def spell_document(
    document: YamlDocument, source: str, patterns: Iterable[PathKey], speller: Speller, allowed: Allowed
) -> list[Misspelling]:
    """Every likely misspelling in the texts of `document` that `patterns` name."""
    found = []
    for path, text in texts_at(document.data, tuple(patterns)):
        for word in misspelt_words(text, speller.knows, allowed):
            found.append(
                Misspelling(source, document.line_of(path), field_name(path), word, speller.suggest(word))
            )
    return sorted(found)


def texts_at(data: Any, patterns: tuple[PathKey, ...]) -> Iterator[tuple[PathKey, str]]:
    """(path, text) of every string in `data` at one of `patterns`, in the file's order."""
    for pattern in patterns:
        yield from _walk(data, (), pattern)


def _walk(value: Any, path: PathKey, pattern: PathKey) -> Iterator[tuple[PathKey, str]]:
    if not pattern:
        if isinstance(value, str):
            yield path, value
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(value, dict):
        keys = list(value) if head == ANY else [head] if head in value else []
        for key in keys:
            yield from _walk(value[key], path + (key,), rest)
    elif isinstance(value, list) and head == ANY:
        for index, item in enumerate(value):
            yield from _walk(item, path + (index,), rest)


def _words(text: str) -> Iterator[str]:
    for piece in text.split():
        if "@" in piece or "://" in piece or piece.lower().startswith(_ADDRESS_STARTS):
            continue
        for match in _WORD.finditer(piece):
            yield match.group()


def _skipped(word: str) -> bool:
    """Not a word to look up: a number or code, a letter, an acronym or a product name."""
    if len(word) < 2 or any(ch.isdigit() or ch == "_" for ch in word):
        return True
    return any(ch.isupper() for ch in word[1:])
