"""Since your last visit: a client coming back sees what changed marked, on the home page and
the project page; nothing on a first visit; nothing sent anywhere; nothing without JavaScript.

A real build of a copy of the demo portal, served over HTTP; the project file changed and the
site built again into the same folder, as a deploy does; the same browser profile both times.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from helpers import DEMO_TODAY, demo_portal_copy, serve_folder

BADGE = "New since your last visit"


def build(config: Path, site: Path) -> None:
    from milepost.mkdocs.build import build_clients

    outcome = build_clients(config, clients=["acme-retail"], site_dir=site, today=DEMO_TODAY)
    assert outcome.ok, outcome.failed


def visit(page: Page, url: str) -> list[str]:
    """Open `url`; the texts of the items marked, each with its badge."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.locator(".mp-visit-changed").all_inner_texts()


def test_what_changed_is_marked_on_the_next_visit_only(page: Page, tmp_path: Path, demo_site: Path) -> None:
    # demo_site: the session's demo build made the demo's repositories this copy links to.
    config = demo_portal_copy(tmp_path)
    site = tmp_path / "site"
    build(config, site)
    server, url = serve_folder(site)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        home = f"{url}/acme-retail/index.html"
        project = f"{url}/acme-retail/webshop/index.html"
        # First visit: nothing is marked, and the words stay hidden.
        assert visit(page, home) == []
        assert visit(page, project) == []
        expect(page.get_by_text(BADGE)).to_have_count(1)  # the hidden label, in the page
        expect(page.get_by_text(BADGE)).to_be_hidden()
        # Coming back with nothing changed: still nothing.
        assert visit(page, project) == []

        # The payments' promise moves a week (with its new reason) and BLIK payments is done; the site is built again.
        webshop = tmp_path / "projects" / "acme-retail" / "webshop.yml"
        text = webshop.read_text(encoding="utf-8")
        for old, new in (
            ("      due: 2026-12-12\n", "      due: 2026-12-19\n"),
            ("      reason: The payment provider changed its interface in November, so the BLIK part had to be "
             "rebuilt.\n", "      reason: The payment provider's test system was down for a week.\n"),
            ("      - {title: BLIK payments}\n", "      - {title: BLIK payments, done: 2026-11-23}\n"),
        ):
            assert text.count(old) == 1, old
            text = text.replace(old, new)
        webshop.write_text(text, encoding="utf-8")
        build(config, site)

        marked = visit(page, project)
        assert len(marked) == 3, marked
        finish, payments, blik = marked
        # A part done sooner moves the launch's forecast to another third of a month: the
        # finish at the top of the page is marked.
        assert finish.startswith(BADGE + "Shop goes live: promised for 15 January 2027; at the current pace"), finish
        assert payments.startswith(BADGE) and "New date: 19 December 2026." in payments
        assert blik.startswith(BADGE) and "BLIK payments" in blik and "done on 23 November 2026" in blik
        # The badge is text, visible, not colour alone.
        expect(page.locator(".mp-visit-changed .mp-visit-new").first).to_be_visible()
        # The home page, as a visit before the site marked a project's finish stored it (no
        # key of that kind): the webshop's card (one more part done) is marked, and its
        # finish is not, though it moved: it was never shown as seen, so it is not news.
        page.evaluate(
            """(name) => {
                const stored = JSON.parse(localStorage.getItem(name));
                localStorage.setItem(name, JSON.stringify(stored.filter((key) => !key.startsWith("finish:"))));
            }""",
            "milepost-visit:/acme-retail/index.html",
        )
        marked_home = visit(page, home)
        assert len(marked_home) == 1 and "New online shop" in marked_home[0], marked_home
        expect(page.locator(".mp-card.mp-visit-changed h3")).to_have_text("New online shop")
        expect(page.locator(".mp-finish.mp-visit-changed")).to_have_count(0)
        # Seen now: the next visit marks nothing.
        assert visit(page, project) == []
        assert page.js_errors == []  # type: ignore[attr-defined]
        # Nothing was asked of any other host.
        assert requested and all(r.startswith(f"{url}/") for r in requested), [
            r for r in requested if not r.startswith(f"{url}/")
        ]
    finally:
        server.shutdown()


def test_without_javascript_the_page_shows_no_mark_and_no_error(page: Page, demo_url: str) -> None:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        for path in ("acme-retail/index.html", "acme-retail/webshop/index.html"):
            page.goto(f"{demo_url}/{path}")
            expect(page.locator(".mp-milestone").first.or_(page.locator(".mp-card").first)).to_be_visible()
            expect(page.locator(".mp-visit-changed")).to_have_count(0)
            expect(page.get_by_text(BADGE)).to_be_hidden()
            assert page.locator("[data-milepost-change]").count() > 0  # the keys are there, unused
        assert page.js_errors == []  # type: ignore[attr-defined]
    finally:
        cdp.send("Emulation.setScriptExecutionDisabled", {"value": False})
