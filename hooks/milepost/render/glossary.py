"""The words a client may not know, explained where they are used and listed on the page.

A glossary comes from two places: `glossary:` in client.yml (shared by all the client's
projects) and `glossary:` in a project file (wins when both explain the same word). On a
project page:

- the section "Words we use" lists every term with its explanation (`glossary_section`);
- in the page's own texts, the first use of each term in each section (between two level-2
  headings) becomes a small button whose explanation appears on hover, on keyboard focus and
  on tap (`mark_terms`). Terms are never marked inside headings, links, buttons, labels and
  dates, nor in the charts and their captions, nor in the "Words we use" list itself.

Everything here is plain text in, escaped HTML out. The section comes from
templates/glossary.md.j2. `mark_terms` works on the page's generated Markdown, whose texts are
HTML blocks rendered from the templates with autoescape on: every text in them is escaped, so
a raw `<` always starts a tag and never belongs to a text. A text is rewritten
only when a term is found in it, and then from its unescaped form, piece by piece, through
`esc()` again: "R&D" in a glossary matches the page's "R&amp;D" and stays escaped.

Matching ignores upper/lower case and needs whole words: "API" is found in "our API." and
not in "RAPID". Words change their endings, so a term also matches its usual grammatical
forms, by a simple rule per language rather than a dictionary:
- English: the word plus an -s/-es plural ("API" -> "APIs").
- German: the word plus a usual ending (-e, -en, -n, -s, -es, -er, -ern): "Termin" ->
  "Termine", "Termins".
- Polish, Russian, Ukrainian: the word with its last letter (words of 5 letters) or last two
  letters (longer words) free, plus up to four or five more letters: "strona testowa" ->
  "stronie testowej", "личный кабинет" -> "в личном кабинете". Words of up to four letters
  keep all their letters ("BLIK" -> "BLIKIEM") so that short terms do not match unrelated
  words ("blisko").
A form the rule misses can be added as its own entry; one the rule wrongly matches is rare
in a project's own words and only adds an explanation.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from milepost.i18n import Texts
from milepost.model import Client, Project
from milepost.render.environment import macro, render
from milepost.render.html import esc

SECTION_ID = "glossary"

# Where a term is never marked: interactive elements, headings, and labels or dates where a
# button would be noise.
_SKIP_TAGS = frozenset(
    {"a", "button", "h1", "h2", "h3", "h4", "h5", "h6", "th", "dt", "dfn", "abbr", "code", "pre",
     "script", "style", "title", "label", "summary", "svg"}
)
_SKIP_CLASSES = frozenset(
    {"mp-term", "mp-glossary", "mp-badge", "mp-facts", "mp-progress-text", "mp-visually-hidden",
     "mp-contacts", "mp-follow", "mp-check", "mp-chart"}
)
_VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_TAG = re.compile(r"(<[^<>]*>)")
_TAG_NAME = re.compile(r"^<\s*(/?)\s*([A-Za-z][A-Za-z0-9-]*)")
_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s")


@dataclass(frozen=True)
class Term:
    word: str
    meaning: str


def glossary_for(client: Client, project: Project | None = None) -> tuple[Term, ...]:
    """The client's terms plus the project's, sorted; the project's explanation wins."""
    merged: dict[str, Term] = {}
    sources: list[Mapping[str, str]] = [client.glossary or {}]
    if project is not None:
        sources.append(project.glossary or {})
    for source in sources:
        for word, meaning in source.items():
            word, meaning = " ".join(str(word).split()), " ".join(str(meaning or "").split())
            if word and meaning:
                merged[word.casefold()] = Term(word, meaning)
    return tuple(sorted(merged.values(), key=lambda t: (t.word.casefold(), t.word)))


def glossary_section(terms: Iterable[Term], texts: Texts) -> str:
    """The "Words we use" section: every term and its explanation ("" when there are none)."""
    return render("glossary.md.j2", texts, terms=tuple(terms), section_id=SECTION_ID)


def term_html(term: Term, text: str, tip_id: str) -> str:
    """One marked use of a term: the `explained_term` macro of macros.html.j2."""
    return str(macro("explained_term")(text, term.meaning, tip_id))


_ENDINGS = {"en": r"(?:s|es)?", "de": r"(?:e|en|n|s|es|er|ern)?"}
_STEMMED = frozenset({"pl", "ru", "uk"})


def _word_pattern(word: str, language: str) -> str:
    """A regular expression for one word of a term and its grammatical forms (see above)."""
    if language in _STEMMED and word.isalpha():
        if len(word) <= 4:
            return re.escape(word) + r"\w{0,4}"
        if len(word) == 5:
            return re.escape(word[:-1]) + r"\w{0,4}"
        return re.escape(word[:-2]) + r"\w{0,5}"
    return re.escape(word) + (_ENDINGS.get(language, "") if word.isalpha() else "")


def _pattern(terms: tuple[Term, ...], language: str) -> re.Pattern[str] | None:
    """One expression for all terms; group `t<i>` is the i-th term of `terms`."""
    if not terms:
        return None
    # Longest first, so "Test site" wins over "Test" where both could match.
    order = sorted(range(len(terms)), key=lambda i: len(terms[i].word), reverse=True)
    alternatives = "|".join(
        f"(?P<t{i}>" + r"\s+".join(_word_pattern(part, language) for part in terms[i].word.split()) + ")"
        for i in order
    )
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


class _Marker:
    """Walks a page's HTML line by line, marking each term's first use in each section."""

    def __init__(self, terms: tuple[Term, ...], id_prefix: str, language: str) -> None:
        self.terms = terms
        self.pattern = _pattern(terms, language)
        self.id_prefix = id_prefix
        self.used: set[str] = set()
        self.count = 0
        self.stack: list[bool] = []  # one entry per open element: True when terms are not marked in it
        self.in_glossary = False

    def new_section(self, heading_line: str) -> None:
        self.used = set()
        self.in_glossary = f"{{#{SECTION_ID}}}" in heading_line

    def line(self, line: str) -> str:
        match = _MARKDOWN_HEADING.match(line)
        if match and not self.stack:
            if len(match.group(1)) <= 2:
                self.new_section(line)
            return line
        if self.in_glossary or self.pattern is None:
            self._track(line)
            return line
        pieces = _TAG.split(line)
        for index, piece in enumerate(pieces):
            if index % 2:
                self._tag(piece)
            elif piece and not any(self.stack):
                pieces[index] = self._text(piece)
        return "".join(pieces)

    def _track(self, line: str) -> None:
        for index, piece in enumerate(_TAG.split(line)):
            if index % 2:
                self._tag(piece)

    def _tag(self, tag: str) -> None:
        match = _TAG_NAME.match(tag)
        if not match:
            return  # a comment or a doctype
        closing, name = match.group(1) == "/", match.group(2).lower()
        if closing:
            if self.stack:
                self.stack.pop()
            return
        if name in _VOID_TAGS or tag.endswith("/>"):
            return
        classes = _CLASS.search(tag)
        class_names = set((classes.group(1) or classes.group(2) or "").split()) if classes else set()
        self.stack.append(name in _SKIP_TAGS or bool(class_names & _SKIP_CLASSES))

    def _text(self, escaped: str) -> str:
        assert self.pattern is not None
        text = html.unescape(escaped)
        out: list[str] = []
        position = 0
        for found in self.pattern.finditer(text):
            term = self.terms[int((found.lastgroup or "t0")[1:])]
            key = term.word.casefold()
            if key in self.used:
                continue
            self.used.add(key)
            self.count += 1
            out.append(esc(text[position:found.start()]))
            out.append(term_html(term, found.group(0), f"{self.id_prefix}{self.count}"))
            position = found.end()
        if not out:
            return escaped  # untouched: keep every character as it was
        out.append(esc(text[position:]))
        return "".join(out)


def mark_terms(page: str, terms: Iterable[Term], *, language: str = "en", id_prefix: str = "mp-tip-") -> str:
    """`page` (generated Markdown with HTML blocks) with the first use of each term in each
    section turned into an explained term; the page is returned unchanged when there are none.
    `language` is the page's: it decides which forms of a word are recognised."""
    terms = tuple(terms)
    if not terms:
        return page
    marker = _Marker(terms, id_prefix, language)
    return "\n".join(marker.line(line) for line in page.split("\n"))
