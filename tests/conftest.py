"""Shared fixtures: the built demo portal, a local web server, and Debian's Chromium."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_TODAY = dt.date(2026, 11, 24)
SCREENSHOTS = ROOT / "test-results"

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal of this repository, built for every client into a temporary folder."""
    from milepost.mkdocs.build import build_clients

    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_demo_repos.py")], check=True, capture_output=True)
    site_dir = tmp_path_factory.mktemp("demo-site")
    outcome = build_clients(ROOT / "mkdocs.yml", site_dir=site_dir, today=DEMO_TODAY)
    assert outcome.ok, outcome.failed
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
        pass


def serve_folder(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(scope="session")
def demo_url(demo_site: Path) -> Iterator[str]:
    server, url = serve_folder(demo_site)
    yield url
    server.shutdown()


def chromium_path() -> str:
    # MILEPOST_CHROMIUM names another Chromium-based browser (e.g. Google Chrome on CI runners).
    found = os.environ.get("MILEPOST_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("Debian's chromium is needed for browser tests: run `make test` (it installs it) "
                    "or `sudo apt-get install chromium`.")
    return found


@pytest.fixture(scope="session")
def browser_context(tmp_path_factory: pytest.TempPathFactory):
    """A Chromium with a fresh profile; no test needs the internet."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors  # type: ignore[attr-defined]
    yield page
    page.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
