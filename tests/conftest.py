"""Shared fixtures (the built demo portal, a local web server, Debian's Chromium) and the test
kinds: every test module sits in one folder of tests/, and the folder gives its marker.

    unit/     pure functions; small git repositories at most; no site is built
    golden/   checked against the data in tests/golden/ (golden/pages/ needs the demo build)
    build/    whole builds, `milepost`/`mkdocs` runs, portals in temporary folders
    browser/  Playwright driving Debian's Chromium

`make test-fast` runs `-m "not build and not browser"`. Helpers to import are in helpers.py
and factories.py, not here.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import CHROMIUM_ARGS, DEMO_ANSWER_SECRET, DEMO_TODAY, ROOT, TESTS, chromium_path, serve_folder

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
# The key that seals cache entries is kept under $XDG_CONFIG_HOME (history/disk_cache.py): the
# tests keep theirs in a folder of their own, never in the home folder of whoever runs them.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="milepost-tests-config-")
# The answer links are keyed with the demo's secret, as `make demo` does (never one of the
# environment of whoever runs the tests: the pages' links would differ from the golden copies).
os.environ["MILEPOST_ANSWER_SECRET"] = DEMO_ANSWER_SECRET

KINDS = ("unit", "golden", "build", "browser")
# Fixtures that build the demo or start Chromium: a unit test that needs one is in the wrong folder.
NOT_FOR_UNIT = {"demo_site", "demo_url", "browser_context", "page"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    misplaced = []
    for item in items:
        try:
            kind = Path(item.path).resolve().relative_to(TESTS).parts[0]
        except ValueError:
            kind = ""
        if kind not in KINDS:
            misplaced.append(f"{item.nodeid}: not in one of tests/{{{','.join(KINDS)}}}/")
            continue
        item.add_marker(getattr(pytest.mark, kind))
        if kind == "unit" and NOT_FOR_UNIT & set(getattr(item, "fixturenames", ())):
            misplaced.append(
                f"{item.nodeid}: builds the demo or opens Chromium; move it to tests/build/ or tests/browser/"
            )
    if misplaced:
        raise pytest.UsageError("tests in the wrong folder:\n  " + "\n  ".join(misplaced))


def make_demo_repos_once(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Make the demo's repositories (.demo-repos/) once per test run, also when pytest-xdist
    runs it in several processes: the first one makes them, the others wait for it (the script
    replaces the repositories, so it must not run while another process builds from them)."""
    base = tmp_path_factory.getbasetemp()
    # Under xdist every worker has its own folder in the run's temporary folder.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    with open(shared / "demo-repos.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = shared / "demo-repos.made"
        if not made.exists():
            script = ROOT / "scripts" / "make_demo_repos.py"
            subprocess.run([sys.executable, str(script)], check=True, capture_output=True)
            made.touch()


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portal of this repository, built for every client into a temporary folder,
    once per test session (once per xdist worker). Read it; never change it (make a portal of
    your own for that)."""
    from milepost.mkdocs.build import build_clients

    make_demo_repos_once(tmp_path_factory)
    site_dir = tmp_path_factory.mktemp("demo-site")
    outcome = build_clients(ROOT / "mkdocs.yml", site_dir=site_dir, today=DEMO_TODAY)
    assert outcome.ok, outcome.failed
    return site_dir


@pytest.fixture(scope="session")
def demo_url(demo_site: Path) -> Iterator[str]:
    server, url = serve_folder(demo_site)
    yield url
    server.shutdown()


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
