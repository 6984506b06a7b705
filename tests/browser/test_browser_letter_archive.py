"""The demo's archive of letters in Chromium at phone width: reached from the navigation,
each letter opened from the list, its text readable with no horizontal scrolling."""

from __future__ import annotations

import json

from playwright.sync_api import expect

from helpers import ROOT, screenshot

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


NARROW = {"width": 320, "height": 640}
WIDTH = 72  # the text part's width (render/environment.py, LETTER_WIDTH)


def test_a_letter_reflows_on_a_320px_screen_with_the_text_as_sent(page, demo_url: str) -> None:
    sent = json.loads((ROOT / "letters" / "sent.json").read_text(encoding="utf-8"))["letters"]
    page.set_viewport_size(NARROW)
    for letter in sent:
        page.goto(f"{demo_url}/{letter['client']}/letters/index.html")
        page.get_by_role("link", name=letter["subject"]).click()
        expect(page.locator("h1")).to_have_text(letter["subject"])
        fits(page)
        paragraphs = page.locator(".mp-letter p").all_inner_texts()
        # The words as sent, in their order (the headings' underlines are not shown).
        words = [w for line in letter["text"].splitlines() if set(line.strip()) != {"="} for w in line.split()]
        assert " ".join(paragraphs).split() == words
        # No line on the page ends where the text part's 72 columns broke a sentence (where
        # the next line's first word did not fit on the line as sent).
        breaks = [
            (row.rstrip(), after.strip())
            for p in paragraphs
            for row, after in zip(p.split("\n"), p.split("\n")[1:], strict=False)
        ]
        lines = letter["text"].splitlines()
        for line, after in zip(lines, lines[1:], strict=False):
            first = after.split()[0] if after.split() else ""
            if len(line) + 1 + len(first) > WIDTH and not after.startswith("- ") and "://" not in first:
                assert not any(r.endswith(line.strip()) and a.startswith(after.strip()) for r, a in breaks), line
        # A sentence the text part breaks over two lines is one line on the page, wrapped by
        # the browser to the screen.
        if letter["client"] == "acme-retail":
            assert "so the BLIK\n  part had to be rebuilt." in letter["text"]
            assert any("so the BLIK part had to be rebuilt." in p for p in paragraphs)
        assert not page.js_errors  # type: ignore[attr-defined]
    screenshot(page, "letter-archive-320")
