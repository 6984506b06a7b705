"""No git words on a client's site: clients read about their project, not about our tools.

Every page of every client in the demo is scanned - the visible text, the texts a screen
reader or a tooltip shows (aria-label, title, alt, placeholder), what <meta> tags tell
browsers and search engines (content, e.g. the page's description), the search index and the
feeds - for commit, merge, branch, repository, pull request, PR and git itself, in every
language the sites are written in.
"""

from __future__ import annotations

import html
import html.parser
import json
import re
from pathlib import Path

import pytest

# Regular expressions matched case-insensitively at the start of a word: "commit" also finds
# "commits", "committed", "Commit-ID"; the Slavic stems find every case ending. Short words
# that start other words ("repo" in "report", "git" in "Gitarre") must end there.
GIT_WORDS = {
    "en": [r"commit", r"merge", r"branch", r"repositor", r"repos?\b", r"pull[ -]request", r"rebase", r"git\b",
           r"github", r"gitlab"],
    "pl": [r"commit", r"komit", r"scaleni", r"gałąź", r"gałęz", r"repozytori", r"pull[ -]request"],
    "ru": [r"коммит", r"комит", r"мерж", r"слияни", r"ветк", r"веток", r"ветв", r"репозитори", r"пулл?-реквест"],
    "uk": [r"коміт", r"комміт", r"мердж", r"злитт", r"гілк", r"гілок", r"репозитор", r"пулл?-реквест"],
    "de": [r"commit", r"merge", r"branch", r"zweig", r"repositor", r"pull[ -]request"],
}
_WORDS = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted({w for ws in GIT_WORDS.values() for w in ws}, key=len, reverse=True)) + r")",
    re.IGNORECASE,
)
# "PR" only in capitals: "pr" is a Polish abbreviation in other senses, "Preis" is German.
_PR = re.compile(r"(?<![\w-])PRs?(?![\w-])")
_ATTRIBUTES = ("aria-label", "title", "alt", "placeholder")
# <meta> tags say things to browsers, search engines and link previews: their content counts.
_META_ATTRIBUTES = ("content",)


class _Readable(html.parser.HTMLParser):
    """The text a person can read or hear on a page, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "svg"):
            self._hidden += 1
        for name, value in attrs:
            if (name in _ATTRIBUTES or (tag == "meta" and name in _META_ATTRIBUTES)) and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def readable_text(page: str) -> str:
    parser = _Readable()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def git_words(text: str) -> list[str]:
    return [m.group(0) for m in _WORDS.finditer(text)] + [m.group(0) for m in _PR.finditer(text)]


def client_texts(site: Path) -> dict[str, str]:
    """Every client-facing text of one client's site, by file."""
    found: dict[str, str] = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        name = str(path.relative_to(site.parent))
        if path.suffix == ".html":
            found[name] = readable_text(path.read_text(encoding="utf-8"))
        elif path.name == "search_index.json":
            docs = json.loads(path.read_text(encoding="utf-8"))["docs"]
            found[name] = " ".join(readable_text(f"{d['title']} {d['text']}") for d in docs)
        elif path.name in ("feed.xml", "calendar.ics"):
            found[name] = readable_text(html.unescape(path.read_text(encoding="utf-8")))
        elif path.name == "status.json":
            data = json.loads(path.read_text(encoding="utf-8"))
            found[name] = " ".join(_values(data))
    return found


def _values(data: object) -> list[str]:
    if isinstance(data, dict):
        return [v for value in data.values() for v in _values(value)]
    if isinstance(data, list):
        return [v for value in data for v in _values(value)]
    return [data] if isinstance(data, str) else []


def client_sites(demo_site: Path) -> list[Path]:
    return sorted(p.parent.parent for p in demo_site.glob("*/search/search_index.json"))


def test_the_demo_has_sites_in_every_language(demo_site: Path) -> None:
    languages = set()
    for site in client_sites(demo_site):
        match = re.search(r'<html lang="([a-z]+)"', (site / "index.html").read_text(encoding="utf-8"))
        assert match, site
        languages.add(match.group(1))
    assert languages == {"en", "pl", "ru", "uk", "de"}


def test_no_client_page_uses_git_words(demo_site: Path) -> None:
    found = {}
    for site in client_sites(demo_site):
        for name, text in client_texts(site).items():
            words = git_words(text)
            if words:
                found[name] = sorted(set(words))
    assert found == {}


def test_the_scan_reads_pages_feeds_and_the_search_index(demo_site: Path) -> None:
    texts = client_texts(demo_site / "piekarnia-zloty-klos")
    assert any(name.endswith("zamowienia/index.html") for name in texts)
    assert any(name.endswith("search_index.json") for name in texts)
    assert any(name.endswith("feed.xml") for name in texts)
    page = next(text for name, text in texts.items() if name.endswith("zamowienia/index.html"))
    # Real page text is read, including the hidden-by-default glossary explanations.
    assert "Płatności BLIK i kartą" in page and "Płatność sześciocyfrowym kodem" in page
    # ... and the page's description for search engines and link previews.
    assert "Stan projektów: Piekarnia Złoty Kłos" in page


def test_the_scan_reads_meta_content() -> None:
    page = (
        '<html><head><meta name="description" content="Status der Branches"><meta charset="utf-8">'
        '</head><body><p data-x="commit">Text</p></body></html>'
    )
    assert readable_text(page) == "Status der Branches Text"
    assert git_words(readable_text(page)) == ["Branch"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 commits and a merge from branch main", ["commit", "merge", "branch"]),
        ("Zmiany z gałęzi main, 2 commity", ["gałęz", "commit"]),
        ("Слияние ветки и коммиты в репозитории", ["Слияни", "ветк", "коммит", "репозитори"]),
        ("Изменения из ветви main, две ветви", ["ветв", "ветв"]),
        ("Злиття гілки, коміти", ["Злитт", "гілк", "коміт"]),
        ("Merge des Branches im Repository", ["Merge", "Branch", "Repositor"]),
        ("see PR 12", ["PR"]),
        ("A new branch office, a merger, Preis, pr. 3, GitHub, a report, Gitarre", ["branch", "merge", "github"]),
    ],
)
def test_the_scan_finds_git_words_in_every_language(text: str, expected: list[str]) -> None:
    assert [word.lower() for word in git_words(text)] == [word.lower() for word in expected]
