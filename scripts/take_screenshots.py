#!/usr/bin/env python3
"""Refresh the screenshots in docs/images/ from the demo, in Debian's Chromium.

    make demo && .venv/bin/python scripts/take_screenshots.py

Serves site/ on a local port and photographs a few pages at a laptop and a phone width, and
the late demo project as it prints (A4 width, print styles).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
OUT = ROOT / "docs" / "images"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

SHOTS = [
    # (file name, page, element to scroll to or None, viewport, element to hover or None, media)
    ("client-home.png", "acme-retail/index.html", None, (1280, 900), None, "screen"),
    # The first screen of the home page on a phone: every project's state.
    ("client-home-phone.png", "acme-retail/index.html", None, (390, 844), None, "screen"),
    # The demo's late milestone: reason, plan, new date and the history of the promise.
    ("project-page.png", "acme-retail/webshop/index.html", "#milestone-payments", (1280, 900), None, "screen"),
    ("project-page-phone.png", "acme-retail/webshop/index.html", None, (390, 844), None, "screen"),
    # The same page on paper: an A4 page's width at 96 dpi, the print styles.
    ("project-page-print.png", "acme-retail/webshop/index.html", None, (794, 1123), None, "print"),
    # Other languages, with a glossary word explained.
    ("site-pl.png", "piekarnia-zloty-klos/zamowienia/index.html", None, (1280, 900), ".mp-term-word", "screen"),
    ("site-uk.png", "kavyarnia-zerno/menu/index.html", None, (1280, 900), ".mp-term-word", "screen"),
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def main() -> int:
    if not (SITE / "acme-retail" / "index.html").is_file():
        sys.exit("Build the demo first: make demo")
    handler = functools.partial(QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright, tempfile.TemporaryDirectory() as profile:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
        )
        for name, path, anchor, (width, height), hover, media in SHOTS:
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": height})
            page.emulate_media(media=media)
            page.goto(f"{base}/{path}")
            if anchor:
                # Leave room for the sticky header above the heading.
                page.evaluate(
                    f"window.scrollTo(0, document.querySelector('{anchor}').getBoundingClientRect().top"
                    " + window.scrollY - 90)"
                )
                page.wait_for_timeout(300)
            if hover:
                page.locator(hover).first.hover()
                page.wait_for_timeout(200)
            page.screenshot(path=str(OUT / name))
            print(f"docs/images/{name}")
            page.close()
        context.close()
    server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
