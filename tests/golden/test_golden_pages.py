"""Golden pages: every demo page in every language, as normalized HTML of its content area.

They were taken before the code was reorganized into stage folders and templates, so a change
in what a client reads shows up here as a diff. After a deliberate change, rewrite them with

    MILEPOST_UPDATE_GOLDEN=1 .venv/bin/pytest tests/golden/test_golden_pages.py

and say in the commit why the pages changed.
"""

from __future__ import annotations

from pathlib import Path

from helpers import ROOT, load_script, matches_golden, updating_golden

GOLDEN = ROOT / "tests" / "golden" / "pages"
# The same normalizer as `make canary`'s (scripts/canary.py): tags with sorted attributes, text
# with its white space folded and character references decoded, one node a line, indented.
canary = load_script("canary")


def content_area(html: str) -> str:
    lines = canary.html_lines(html, content_only=True)
    assert lines is not None, "no <article class=md-content__inner> on the page"
    return "\n".join(lines) + "\n"


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
        if not matches_golden(GOLDEN / page.with_suffix(".txt"), got):
            different.append(str(page))
    if updating_golden():
        for stale in expected_files - set(pages):
            (GOLDEN / stale.with_suffix(".txt")).unlink()
        return  # rewritten: review the diff and commit it
    assert not different, (
        f"these pages differ from tests/golden/pages/: {different}; compare with "
        "`git diff --no-index` or rewrite them (see this module's docstring) if the change is deliberate"
    )
    assert not expected_files - set(pages), f"pages no longer built: {sorted(expected_files - set(pages))}"


def test_no_page_shows_template_markup_or_a_block_inside_a_heading(demo_site: Path) -> None:
    """A Jinja comment's `-` can eat the blank line that ends a Markdown heading: the next
    block then becomes part of the heading ("Requested changes {#changes}" with the table
    inside the <h2>). No page may show `{#`, `{{` or `{%`, and no heading may hold a block."""
    import re

    for page in sorted(demo_site.glob("**/*.html")):
        html = page.read_text(encoding="utf-8")
        text = re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", html, flags=re.S)
        for marker in ("{#", "{{", "{%"):
            assert marker not in re.sub(r"<[^>]+>", "", text), (page, marker)
        for heading in re.findall(r"<h[1-6]\b[^>]*>(.*?)</h[1-6]>", text, flags=re.S):
            assert not re.search(r"<(table|div|ul|ol|p)\b", heading), (page, heading[:120])
