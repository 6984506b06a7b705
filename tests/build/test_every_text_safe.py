"""Every text a client reads is shown as the text it is, whatever characters it holds.

One client of the demo portal gets, in every field a client reads (its name and contacts, the
agency's name, each project's name, summary, milestones, tasks, delay, waiting items,
decisions, changes, deliverables, glossary, and the letters of its sent record), a text full of
what has broken pages before: an emoji (beyond the BMP), HTML (`<img onerror>`, `</script>`),
Markdown (a `javascript:` link, a heading, emphasis), YAML front matter (`---`, `: `) and
template syntax (`{{ 7*7 }}`, `{% raw %}`). The site is built for real and every page parsed:
no element, attribute or link came from a text, and each text is shown literally.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import make_demo_repos_once
from nasty_text import build_nasty_site, nasty


class Page(HTMLParser):
    """A built page taken apart: its elements with their attributes, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.in_script = False
        self.scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))
        self.in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self.in_script = False

    def handle_data(self, data: str) -> None:
        if self.in_script:
            self.scripts.append(data)
        else:
            self.text.append(data)


def parsed(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    page.close()
    return page


@pytest.fixture(scope="module")
def nasty_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    make_demo_repos_once(tmp_path_factory)
    return build_nasty_site(tmp_path_factory.mktemp("nasty-portal"))


def html_pages(site: Path) -> list[Path]:
    pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)
    assert len(pages) >= 6, pages
    return pages


def test_no_text_becomes_an_element_an_attribute_or_a_link(nasty_site: tuple[Path, list[str]]) -> None:
    site, _ = nasty_site
    for path in html_pages(site):
        page = parsed(path)
        for tag, attributes in page.elements:
            assert tag not in ("img", "em", "strong") or "onerror" not in attributes, (path, tag, attributes)
            assert not any(name.startswith("on") for name in attributes), (path, tag, attributes)
            for name in ("href", "src", "action", "formaction"):
                assert not attributes.get(name, "").strip().lower().startswith("javascript:"), (path, attributes)
            if tag == "script":
                assert "alert(" not in str(attributes), (path, attributes)
        # No element made of a text: a script running alert, emphasis of "em", a bold "Term".
        scripts = [data for data in page.scripts if "alert(" in data]
        assert not scripts, (path, scripts)
        source = path.read_text(encoding="utf-8")
        assert "<em>em</em>" not in source and "<b>Term</b>" not in source, path
        # Template syntax is shown, never run; YAML front matter never shown as text.
        text = "".join(page.text)
        assert "49" not in text.replace("2026", "").replace("2027", "") or "{{ 7*7 }}" in text, path
        assert "milepost_feeds" not in text and "\\ud83d" not in source.lower(), path


def test_every_text_is_shown_literally(nasty_site: tuple[Path, list[str]]) -> None:
    site, fields = nasty_site
    # White space aside: a letter's lines are wrapped as they were sent.
    everything = "".join("".join("".join(parsed(path).text).split()) for path in html_pages(site))
    missing = [field for field in fields if "".join(nasty(field).split()) not in everything]
    assert not missing, missing
    assert "{{7*7}}{%raw%}" in everything and "🚀" in everything and "𝒳" in everything


def test_the_feed_links_and_titles_survive_an_emoji(nasty_site: tuple[Path, list[str]]) -> None:
    site, _ = nasty_site
    for path in [site / "index.html", site / "webshop" / "index.html", site / "letters" / "index.html"]:
        page = parsed(path)
        feeds = [a for tag, a in page.elements if tag == "link" and a.get("rel") == "alternate"]
        assert feeds and all(a["title"].startswith("News about ") and "🚀" in a["title"] for a in feeds), path
        assert all("<img src=x onerror=alert(1)>" in a["title"] for a in feeds), path
    webshop = parsed(site / "webshop" / "index.html")
    title = "".join(webshop.text).split("\n")
    assert any(nasty("w name") in line for line in title)
