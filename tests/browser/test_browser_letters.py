"""The demo's letters' HTML parts, opened as files in Chromium at phone width: readable, with
no horizontal scrolling."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest

from conftest import make_demo_repos_once
from helpers import DEMO_LETTERS, DEMO_TODAY, demo_portal_copy
from milepost.cli import main


@pytest.fixture(scope="module")
def html_parts(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    make_demo_repos_once(tmp_path_factory)
    portal = tmp_path_factory.mktemp("letters-browser")
    config = demo_portal_copy(portal)
    out = portal / "out"
    assert main(["letters", "-f", str(config), "--today", DEMO_TODAY.isoformat(), "--out", str(out)]) == 0
    parts = []
    for path in sorted(out.glob("*/*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        target = path.with_suffix(".html")
        target.write_text(message.get_body(("html",)).get_content(), encoding="utf-8")
        parts.append(target)
    assert len(parts) == DEMO_LETTERS
    return parts


def test_letters_fit_a_phone_screen(page, html_parts: list[Path]) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    for part in html_parts:
        page.goto(part.as_uri())
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], (part.name, widths)
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('p')).fontSize)")
        assert size >= 14, (part.name, size)
        assert page.locator("h1").inner_text().strip()
