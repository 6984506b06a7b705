"""No English left on the Polish, Russian, Ukrainian and German sites.

Every HTML page of those clients' demo sites (the 404 page too) and their feeds are scanned
for the English words Milepost or mkdocs-material could leave behind: every English wording
in Milepost's catalog, every word of the theme's English language file, the theme's few
untranslatable words ("Made with Material for MkDocs", "404 - Not found") and mkdocs.yml's
English description. What is scanned is what a reader sees or hears: the visible text, the
attribute values a browser, a screen reader or a search engine shows (`content=` of <meta>,
`aria-label=`, `title=`, `alt=`, `placeholder=`) and the theme's search messages, which its
script shows on the page (the `translations` of its `__config`).
"""

from __future__ import annotations

import html.parser
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from helpers import ROOT

LANGUAGES = ("pl", "ru", "uk", "de")

# Words of mkdocs-material's templates that no language file translates, and the English of
# mkdocs.yml (site_description) that the team preview uses; plus a few words the review found.
FIXED_ENGLISH = (
    "Made with",
    "Material for MkDocs",
    "404 - Not found",
    "Not found",
    "Plain-language project status",
    "project status",
    "for our clients",
    "Milestones",
    "Milestone",
    "Waiting",
    "Search",
    "Updated on",
    "Table of contents",
    "Back to top",
    "Skip to content",
    "Week of",
    "Overdue",
    "Promised",
    "Finished",
    "New date",
    "Next update",
    "Words we use",
    "Your projects",
    "All projects",
    "Page not found",
)

# Words that are English and also the right word in the site's language. Each is allowed in
# the languages named only.
SAME_IN_BOTH = {
    # "Status": the column of requested changes and "Status als Daten (JSON)" use the word,
    # which is Polish and German as well.
    "status": {"pl", "de"},
    # "Budget" is the German word (the heading of the hours used).
    "budget": {"de"},
    # The theme's German for "Navigation" (the navigation's aria-label) is the same word.
    "navigation": {"de"},
    # "Link" (the line of an answer e-mail that restates a deliverable's address) is the Polish
    # and German word too; a Polish 404 page says "link".
    "link": {"pl", "de"},
}
# Names that stay as they are in every language: the news feed's format ("Kanał aktualności
# (Atom)") and the data file's ("Stan w postaci danych (JSON)"). Not English words to translate.
NAMES = {"atom", "json"}

_PLACEHOLDER = re.compile(r"\{\w*\}|#")
_ADDRESS = re.compile(r"https?://[^\s<>\"]+")
_ATTRIBUTES = ("content", "aria-label", "title", "alt", "placeholder")
_MATERIAL_WORDS = re.compile(r'"([\w.]+)": "((?:[^"\\]|\\.)*)"')
# Keys of the theme's language file that are settings, not words shown to anybody.
_MATERIAL_SETTINGS = re.compile(r"^(language|direction|search\.config\..*)$")


def fragments(message: str) -> list[str]:
    """The English pieces of a message between its placeholders: "Overdue by {n} day." gives
    "Overdue by" and "day"; a lone word of fewer than four letters ("to", "and") is too
    likely to be part of another language's text to count."""
    found = []
    for piece in _PLACEHOLDER.split(message):
        piece = piece.strip(" .,:;()“”\"'–—-\u2009\u202f\xa0")
        if not re.search(r"[A-Za-z]{2}", piece):
            continue
        if " " not in piece and len(piece) < 4:
            continue
        found.append(piece)
    return found


def milepost_english() -> set[str]:
    """Every English wording in Milepost's catalog: the source text and the English catalog's."""
    phrases: set[str] = set()
    with (ROOT / "hooks" / "milepost" / "locale" / "en" / "LC_MESSAGES" / "milepost.po").open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in (*ids, *strings):
            phrases.update(fragments(text))
    return phrases


def material_english() -> set[str]:
    """Every word of mkdocs-material's English language file."""
    import material

    source = (Path(material.__file__).parent / "templates" / "partials" / "languages" / "en.html").read_text(
        encoding="utf-8"
    )
    phrases: set[str] = set()
    for key, value in _MATERIAL_WORDS.findall(source):
        if not _MATERIAL_SETTINGS.match(key):
            phrases.update(fragments(value))
    return phrases


def english_pattern() -> re.Pattern[str]:
    phrases = {*FIXED_ENGLISH, *milepost_english(), *material_english()}
    parts = sorted(
        (r"\s+".join(re.escape(word) for word in phrase.split()) for phrase in phrases), key=len, reverse=True
    )
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


class _Shown(html.parser.HTMLParser):
    """What a page shows or says: text, attribute values and the theme's search messages."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipped = 0  # inside <script>, <style> or <svg>
        self._config = False  # inside the theme's <script id="__config">

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "svg"):
            self._skipped += 1
            self._config = tag == "script" and values.get("id") == "__config"
        for name, value in attrs:
            if name in _ATTRIBUTES and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg") and self._skipped:
            self._skipped -= 1
            self._config = False

    def handle_data(self, data: str) -> None:
        if self._config:
            # Shown by the theme's script: "Type to start searching", "No matching documents".
            self.parts.extend(str(v) for v in (json.loads(data).get("translations") or {}).values())
        elif not self._skipped:
            # A web address shown as text (the printed page's address line) is a name, not
            # words to translate: "status" in https://status.agency.example/ is no English.
            self.parts.append(_ADDRESS.sub(" ", data))


def shown_text(page: str) -> str:
    parser = _Shown()
    parser.feed(page)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def feed_text(feed: str) -> str:
    """What a feed reader shows of an Atom feed: titles, names and entries (not ids or links)."""
    parts = []
    for element in ET.fromstring(feed.encode("utf-8")).iter():
        name = element.tag.rpartition("}")[2]
        if name in ("title", "subtitle", "name", "summary", "content") and element.text:
            parts.append(shown_text(element.text) if element.get("type") == "html" else element.text)
    return " ".join(parts)


def english_in(text: str, language: str, pattern: re.Pattern[str]) -> list[str]:
    found = set()
    for match in pattern.finditer(text):
        word = " ".join(match.group(0).split())
        if word.lower() in NAMES or language in SAME_IN_BOTH.get(word.lower(), set()):
            continue
        found.add(word)
    return sorted(found)


def sites_by_language(demo_site: Path) -> dict[str, list[Path]]:
    sites: dict[str, list[Path]] = {}
    for index in sorted(demo_site.glob("*/index.html")):
        match = re.search(r'<html lang="([a-z]+)"', index.read_text(encoding="utf-8"))
        if match and (index.parent / "search").is_dir():  # a client's site, not the neutral root
            sites.setdefault(match.group(1), []).append(index.parent)
    return sites


def scanned_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.suffix == ".html" or p.name == "feed.xml")


@pytest.fixture(scope="module")
def pattern() -> re.Pattern[str]:
    return english_pattern()


def test_every_language_has_a_demo_site_with_a_404_page(demo_site: Path) -> None:
    sites = sites_by_language(demo_site)
    for language in LANGUAGES:
        assert sites.get(language), language
        for site in sites[language]:
            assert (site / "404.html").is_file()
            assert len([p for p in scanned_files(site) if p.suffix == ".html"]) >= 3  # home, 404, a project


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_is_left_on_the_site(demo_site: Path, pattern: re.Pattern[str], language: str) -> None:
    found = {}
    for site in sites_by_language(demo_site)[language]:
        for path in scanned_files(site):
            text = path.read_text(encoding="utf-8")
            shown = shown_text(text) if path.suffix == ".html" else feed_text(text)
            words = english_in(shown, language, pattern)
            if words:
                found[str(path.relative_to(demo_site))] = words
    assert found == {}


@pytest.mark.parametrize(
    ("client", "description", "title"),
    [
        ("piekarnia-zloty-klos", "Stan projektów: Piekarnia Złoty Kłos", "Nie znaleziono strony"),
        ("shkola-poliglot", "Статус проектов: Языковая школа «Полиглот»", "Страница не найдена"),
        # The apostrophe is escaped once: the description reads "Кав'ярні".
        ("kavyarnia-zerno", "Стан проєктів: Кав'ярні «Зерно»", "Сторінку не знайдено"),
        ("tischlerei-becker", "Projektstand für Tischlerei Becker", "Seite nicht gefunden"),
        ("acme-retail", "Project status for ACME Retail", "Page not found"),
    ],
)
def test_description_and_404_page_in_the_clients_language(
    demo_site: Path, client: str, description: str, title: str
) -> None:
    for page in ("index.html", "404.html", *(p.relative_to(demo_site / client).as_posix()
                                              for p in (demo_site / client).glob("*/index.html"))):
        text = (demo_site / client / page).read_text(encoding="utf-8")
        descriptions = re.findall(r'<meta name="description" content="([^"]*)"', text)
        assert [html.unescape(d) for d in descriptions] == [description], page
    missing = (demo_site / client / "404.html").read_text(encoding="utf-8")
    assert f"<h1>{html.escape(title)}</h1>" in missing
    assert "404 - Not found" not in missing and "Made with" not in missing


def test_the_scan_reads_attributes_meta_and_the_themes_search_messages(pattern: re.Pattern[str]) -> None:
    page = (
        '<html lang="pl"><head><meta name="description" content="Plain-language project status for our clients.">'
        '<script id="__config" type="application/json">{"translations": {"search.result.none": '
        '"No matching documents"}}</script><script>var x = "Search";</script></head>'
        '<body><nav aria-label="Table of contents"></nav><input placeholder="Szukaj">'
        '<a title="Back to top">Powrót do góry</a><p>Status: Budżet (JSON)</p>'
        "<footer>Made with <a>Material for MkDocs</a></footer></body></html>"
    )
    assert english_in(shown_text(page), "pl", pattern) == [
        "Back to top",
        "Made with",
        "Material for MkDocs",
        "No matching documents",
        "Plain-language project status",
        "Table of contents",
        "for our clients",
    ]
    # The same words in German: "Status" and "Budget" are German words.
    assert english_in("Status Budget Navigation", "de", pattern) == []
    assert english_in("Status Budget", "ru", pattern) == ["Budget", "Status"]


def test_the_list_holds_milepost_and_theme_words() -> None:
    words = {w.lower() for w in {*milepost_english(), *material_english()}}
    assert {"waiting on you", "milestones", "updated on", "overdue by", "smaller technical improvements"} <= words
    assert {"search", "table of contents", "back to top", "no matching documents"} <= words
    assert "to" not in words and "and" not in words  # too short to tell languages apart
