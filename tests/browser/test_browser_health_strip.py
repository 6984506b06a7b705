"""The health strip in a real browser: on every demo project page and every home card, a named
image with its stretches of weeks in words, no serious axe-core finding in it, and a pattern
(not colour alone) for every state that has one."""

from __future__ import annotations

import json
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

PHONE = 320  # px: the narrowest phone the layout tests use
NAMES = {
    "en": "The project's health, week by week",
    "pl": "Stan projektu tydzień po tygodniu",
    "ru": "Состояние проекта по неделям",
    "uk": "Стан проєкту за тижнями",
    "de": "Projektstand Woche für Woche",
}


def project_pages(site: Path) -> list[tuple[str, list[dict[str, str]]]]:
    """Every demo project page, with the weeks its status.json lists."""
    found = [
        (str(status.parent.relative_to(site) / "index.html"), json.loads(status.read_text(encoding="utf-8")))
        for status in sorted(site.glob("*/*/status.json"))
    ]
    assert len(found) >= 7
    return [(path, data["health_weeks"]) for path, data in found]


def test_every_project_page_shows_its_strip_named_with_its_weeks_in_words(page, demo_site: Path, demo_url: str) -> None:
    axe = Axe()
    findings = []
    for path, weeks in project_pages(demo_site):
        assert weeks, f"{path}: no weeks replayed"
        page.goto(f"{demo_url}/{path}")
        language = page.evaluate("document.documentElement.lang")[:2]
        record = page.locator(".mp-health-record")
        strip = record.locator("svg.mp-hs-svg")
        expect(strip).to_have_count(1)
        strip.scroll_into_view_if_needed()
        expect(strip).to_be_visible()
        box = strip.bounding_box()
        assert box is not None and box["width"] > 200, (path, box)
        expect(record.get_by_role("img", name=NAMES[language], exact=False)).to_be_visible()
        # One slice a week, each with its date and state as a title.
        expect(strip.locator("rect.mp-hs-week")).to_have_count(len(weeks))
        # Late and at-risk weeks are patterned, not only coloured.
        for state, pattern in (("late", "hatch"), ("at-risk", "dots")):
            for fill in strip.locator(f"rect.mp-hs-{state}").evaluate_all("rs => rs.map(r => r.getAttribute('fill'))"):
                assert fill is not None and fill.endswith(f"-{pattern})"), (path, state, fill)
        # The stretches in words (hidden on screen, there for screen readers and print).
        stretches = record.locator(".mp-chart-figures li")
        assert stretches.count() >= 1
        result = axe.run(page, context=".mp-health-record").response
        findings += [
            f"{path}: {v['id']} ({v['impact']})" for v in result["violations"] if v["impact"] in ("serious", "critical")
        ]
    assert findings == []
    assert page.js_errors == []


def test_every_home_card_has_its_small_strip_inside_a_phones_screen(page, demo_site: Path, demo_url: str) -> None:
    page.set_viewport_size({"width": PHONE, "height": 844})
    homes = sorted({path.split("/")[0] for path, _weeks in project_pages(demo_site)})
    for client in homes:
        page.goto(f"{demo_url}/{client}/index.html")
        cards = page.locator(".mp-card")
        for index in range(cards.count()):
            strip = cards.nth(index).locator("figure.mp-health-strip.mp-chart-compact svg")
            expect(strip).to_have_count(1)
            expect(strip).to_be_visible()
            box = strip.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE and box["width"] > 150, box
        result = Axe().run(page, context=".mp-cards").response
        assert [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")] == [], client
