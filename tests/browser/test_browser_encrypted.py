"""A password-protected client site, built for real and opened in Chromium.

Nothing of the client may be readable in the published files; in the browser a wrong password
shows an error, the right one shows the page, and search and feeds still work once unlocked.
"""

from __future__ import annotations

import datetime as dt
import gzip
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from factories import client_yml, contact, make_portal, make_repo, milestone, project_yml, task
from helpers import screenshot, serve_folder
from milepost.mkdocs.build import build_clients

PASSWORD = "Marmalade-Quokka-Lantern-42"
PASSWORD_VARIABLE = "QUILLON_SITE_PASSWORD"
FOLDER = "r7k2m9x4w8q3t6y1"  # `path:` in client.yml: the client's name is not in the address
# Everything here is plaintext of the protected site: none of it may appear in its files.
SECRET_WORDS = (
    "Quillon Orchards",  # client name
    "Quillon",
    "Wendeline Sparrowhawk",  # contact
    "Cider press monitor",  # project name
    "Apple pressing in real time",  # summary
    "Harvest dashboard",  # milestone titles
    "Barrel inventory",
    "Pectin sensor",  # task
    "Fermentation alerts",  # commit text shown on the page
    PASSWORD,
)

CLIENT = client_yml(
    name="Quillon Orchards",
    contacts=[contact(name="Wendeline Sparrowhawk", email="wendeline@agency.example")],
    response_time=None,
    password_env=PASSWORD_VARIABLE,
    path=FOLDER,
)

PROJECT = project_yml(
    name="Cider press monitor",
    summary="Apple pressing in real time.",
    repositories=[{"path": "../../code"}],
    milestones=[
        milestone(
            id="harvest",
            title="Harvest dashboard",
            tasks=[task("Pectin sensor", "2026-11-10"), task("Juice flow chart")],
        ),
        milestone(id="barrels", title="Barrel inventory", start="2026-12-01", due="2027-01-20", tasks=None),
    ],
)


@pytest.fixture(scope="module")
def protected_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("protected")
    make_repo(base / "code", [{"message": "feat: fermentation alerts", "date": "2026-11-16T10:00:00+01:00"}])
    config = make_portal(base, {"quillon/client.yml": CLIENT, "quillon/cider.yml": PROJECT})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(PASSWORD_VARIABLE, PASSWORD)
        outcome = build_clients(config, site_dir=base / "site", today=dt.date(2026, 11, 24))
    assert outcome.ok, outcome.failed
    return base / "site"


@pytest.fixture(scope="module")
def protected_url(protected_site: Path) -> Iterator[str]:
    server, url = serve_folder(protected_site)
    yield url
    server.shutdown()


def test_no_plaintext_of_the_protected_site_is_in_its_files(protected_site: Path) -> None:
    files = [p for p in protected_site.rglob("*") if p.is_file()]
    assert any(p.name == "search_index.json.enc" for p in files)
    assert not any(p.name in ("search_index.json", "sitemap.xml", "feed.xml", "status.json") for p in files)
    for path in files:
        raw = path.read_bytes()
        text = (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8", errors="replace")
        relative = path.relative_to(protected_site).as_posix()
        for word in SECRET_WORDS:
            assert word.lower() not in text.lower(), f"{word!r} readable in {relative}"
            assert word.lower() not in relative.lower(), f"{word!r} in the file name {relative}"
    locked = (protected_site / FOLDER / "cider" / "index.html").read_text(encoding="utf-8")
    assert "<title>Protected page</title>" in locked
    assert re.search(r'<meta name="robots" content="noindex', locked)
    # The theme's files and the unlock script come from the copy every site shares (they hold
    # nothing of the client); the locked page loads the script from there.
    assert not (protected_site / FOLDER / "assets").exists()
    script = re.search(r'<script src="([^"]*milepost-unlock\.js)"', locked)
    assert script and re.fullmatch(r"\.\./\.\./assets/[0-9a-f]{16}/milepost-unlock\.js", script[1]), locked
    assert (protected_site / FOLDER / "cider" / script[1]).resolve().is_file()


def test_wrong_password_shows_an_error_and_the_right_one_the_page(page, protected_url: str) -> None:
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{protected_url}/{FOLDER}/cider/index.html")
    expect(page).to_have_title("Protected page")
    expect(page.locator("main")).not_to_contain_text("Cider press")
    screenshot(page, "protected-locked")

    page.get_by_label("Password").fill("Marmalade-Quokka-Lantern-41")
    page.get_by_role("button", name="Open").click()
    error = page.locator("#milepost-error")
    expect(error).to_be_visible(timeout=15_000)
    expect(error).to_have_text("That password is not right. Check it and try again.")
    expect(page).to_have_title("Protected page")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Open").click()
    expect(page.locator("h1")).to_have_text("Cider press monitor", timeout=15_000)
    expect(page).to_have_title("Cider press monitor - Quillon Orchards")
    expect(page.locator("article")).to_contain_text("Harvest dashboard")
    expect(page.locator("article")).to_contain_text("Fermentation alerts")
    screenshot(page, "protected-unlocked")

    # The next page of the same visit opens without asking again.
    page.locator(".md-nav--primary a", has_text="All projects").first.click()
    expect(page).to_have_url(re.compile(rf"/{FOLDER}/index\.html$"))
    expect(page.locator("article")).to_contain_text("Cider press monitor", timeout=15_000)
    expect(page.locator("#milepost-unlock")).to_have_count(0)

    assert page.js_errors == []
    # Every request goes to the site's own server (blob: URLs are the decrypted copies in memory).
    assert [url for url in requests if not url.startswith((protected_url, "blob:"))] == []


def test_search_and_feeds_work_once_unlocked(page, protected_url: str) -> None:
    page.goto(f"{protected_url}/{FOLDER}/cider/index.html")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Open").click()
    expect(page.locator("h1")).to_have_text("Cider press monitor", timeout=15_000)

    with page.expect_download() as download:
        page.locator("a[href='calendar.ics']").click()
    calendar = Path(download.value.path()).read_text(encoding="utf-8")
    assert download.value.suggested_filename == "calendar.ics"
    assert "BEGIN:VCALENDAR" in calendar and "Barrel inventory" in calendar

    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially("barrel", delay=30)
    expect(page.locator(".md-search-result__item").first).to_be_visible(timeout=10_000)
    expect(page.locator(".md-search-result")).to_contain_text("Barrel inventory")
    assert page.js_errors == []
