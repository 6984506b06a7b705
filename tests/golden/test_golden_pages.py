"""Golden pages: every demo page in every language, as normalized HTML of its content area.

They were taken before the code was reorganized into stage folders and templates, so a change
in what a client reads shows up here as a diff. After a deliberate change, rewrite them with

    MILEPOST_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden/test_golden_pages.py

and say in the commit why the pages changed.
"""

from __future__ import annotations

import os
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from helpers import ROOT

GOLDEN = ROOT / "tests" / "golden" / "pages"
UPDATE = os.environ.get("MILEPOST_UPDATE_GOLDEN") == "1"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class ContentArea(HTMLParser):
    """Collects the content area (<article class="md-content__inner ...">) one node a line:
    tags with sorted attributes, text with its white space folded, indented by depth."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.depth = 0  # inside the article: its depth; 0 outside
        self.found = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if not self.depth and tag == "article" and "md-content__inner" in classes:
            self.found = True
            self.depth = 1
            return
        if not self.depth:
            return
        shown = " ".join(f'{k}="{escape(v)}"' if v is not None else k for k, v in sorted(attrs))
        self.lines.append("  " * (self.depth - 1) + f"<{tag}{' ' + shown if shown else ''}>")
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth:
            self.handle_starttag(tag, attrs)
            if tag not in VOID:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.depth or tag in VOID:
            return
        self.depth -= 1
        if self.depth:
            self.lines.append("  " * (self.depth - 1) + f"</{tag}>")

    def _text(self, text: str) -> None:
        folded = " ".join(text.split())
        if self.depth and folded:
            self.lines.append("  " * (self.depth - 1) + folded)

    def handle_data(self, data: str) -> None:
        # Character references are decoded, and only &, < and > written back: "&#x27;" and
        # "&#39;" are the same apostrophe to a reader.
        self._text(data.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def content_area(html: str) -> str:
    parser = ContentArea()
    parser.feed(html)
    parser.close()
    assert parser.found, "no <article class=md-content__inner> on the page"
    return "\n".join(parser.lines) + "\n"


def demo_pages(site: Path) -> list[Path]:
    return sorted(
        page.relative_to(site)
        for page in site.glob("*/**/*.html")
        if not page.relative_to(site).parts[0].startswith(".")
    )


def test_every_demo_page_matches_its_golden_snapshot(demo_site: Path) -> None:
    pages = demo_pages(demo_site)
    assert len(pages) >= 12, pages  # six clients, each a home page and at least one project
    expected_files = {p.relative_to(GOLDEN).with_suffix(".html") for p in GOLDEN.glob("**/*.txt")}
    different = []
    for page in pages:
        got = content_area((demo_site / page).read_text(encoding="utf-8"))
        golden = GOLDEN / page.with_suffix(".txt")
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(got, encoding="utf-8")
        elif not golden.exists() or golden.read_text(encoding="utf-8") != got:
            different.append(str(page))
    if UPDATE:
        for stale in expected_files - set(pages):
            (GOLDEN / stale.with_suffix(".txt")).unlink()
        return  # rewritten: review the diff and commit it
    assert not different, (
        f"these pages differ from tests/golden/pages/: {different}; compare with "
        "`git diff --no-index` or rewrite them (see this module's docstring) if the change is deliberate"
    )
    assert not expected_files - set(pages), f"pages no longer built: {sorted(expected_files - set(pages))}"
