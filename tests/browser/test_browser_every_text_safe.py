"""No text a client reads runs as script in Chromium: every page of a site whose every field
holds `<img onerror=alert(1)>`, `</script><script>alert(2)</script>`, a `javascript:` link and
template syntax (tests/nasty_text.py) is opened, its links hovered, the search run for the
texts' words; no dialog opens and no page sets the payload's flag."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from conftest import make_demo_repos_once
from helpers import serve_folder
from nasty_text import build_nasty_site


@pytest.fixture(scope="module")
def nasty_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    make_demo_repos_once(tmp_path_factory)
    site, _ = build_nasty_site(tmp_path_factory.mktemp("nasty-portal"))
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "assets" not in p.parts)
    # The folder of every client's site: the theme's files are shared there (site/assets/).
    server, url = serve_folder(site.parent)
    url = f"{url}/{site.name}"
    yield url, pages
    server.shutdown()


def test_no_text_runs_as_script(page, nasty_url: tuple[str, list[str]]) -> None:
    url, pages = nasty_url
    dialogs: list[str] = []

    def seen(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", seen)
    # What ran would also leave a trace: alert() is replaced by a flag before any page script.
    page.add_init_script("window.alert = (m) => { window.__ran = (window.__ran || []).concat([String(m)]); };")
    assert len(pages) >= 6, pages
    for path in pages:
        page.goto(f"{url}/{path}")
        page.wait_for_load_state("load")
        for link in page.locator("article a").all()[:20]:
            if link.is_visible():
                link.hover()
        assert page.evaluate("window.__ran || []") == [], path
        if path != "404.html":
            expect(page.locator("article")).to_contain_text("{{ 7*7 }}")
    # Search draws its results' titles as markup: they must be the escaped titles.
    page.goto(f"{url}/index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially("javascript", delay=30)
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=10_000)
    expect(page.locator(".md-search-result").first).to_contain_text("<img src=x onerror=alert(1)>")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__ran || []") == []
    assert dialogs == []
    assert page.js_errors == []  # type: ignore[attr-defined]
