"""The demo's archive of letters in Chromium at phone width: reached from the navigation,
each letter opened from the list, its text readable with no horizontal scrolling."""

from __future__ import annotations

import json

from helpers import ROOT, screenshot
from playwright.sync_api import expect

PHONE = {"width": 360, "height": 740}


def fits(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], widths


def test_the_archive_is_read_on_a_phone_from_the_menu_to_the_letter(page, demo_url: str) -> None:
    sent = json.loads((ROOT / "letters" / "sent.json").read_text(encoding="utf-8"))["letters"]
    (letter,) = [e for e in sent if e["client"] == "piekarnia-zloty-klos"]
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_url}/piekarnia-zloty-klos/index.html")
    page.locator("label.md-header__button[for='__drawer']").click()
    page.locator(".md-nav--primary").get_by_role("link", name="Listy", exact=True).click()
    expect(page.locator("h1")).to_have_text("Listy")
    fits(page)
    page.get_by_role("link", name=letter["subject"]).click()
    expect(page.locator("h1")).to_have_text(letter["subject"])
    body = page.locator(".mp-letter")
    expect(body).to_contain_text("Dzień dobry,")
    # Every line of the text as sent is on the page (headings without their underline).
    shown = body.inner_text()
    for line in letter["text"].splitlines():
        if line.strip() and set(line.strip()) != {"="}:
            assert line.strip() in shown, line
    fits(page)
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.mp-letter p')).fontSize)")
    assert size >= 12, size
    screenshot(page, "letter-archive-phone")
    page.get_by_role("link", name="Wszystkie listy").click()
    expect(page.locator("h1")).to_have_text("Listy")
    assert not page.js_errors  # type: ignore[attr-defined]
