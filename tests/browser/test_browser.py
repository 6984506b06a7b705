"""The demo portal in a real browser: Debian's Chromium driven by Playwright."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from helpers import screenshot


def test_client_home_lists_projects_with_health(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/acme-retail/index.html")
    expect(page.locator("h1")).to_have_text("ACME Retail")
    cards = page.locator(".mp-card")
    expect(cards).to_have_count(2)
    shop = cards.filter(has_text="New online shop")
    expect(shop.locator(".mp-badge")).to_have_text("Late")
    expect(shop).to_contain_text("Next: Online payments, 12 December 2026.")
    # The overdue request to the client comes first, with how long it has waited.
    first_wait = page.locator(".mp-waiting-item").first
    expect(first_wait).to_contain_text("Logo files in SVG format")
    expect(first_wait).to_contain_text("Overdue by 4 days.")
    assert page.js_errors == []
    screenshot(page, "acme-home")


def test_navigation_to_project_page_shows_the_late_milestone(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/acme-retail/index.html")
    page.locator("nav.md-nav--primary").get_by_role("link", name="New online shop").click()
    expect(page).to_have_url(re.compile(r"/acme-retail/webshop/index\.html$"))
    expect(page.locator("h1")).to_have_text("New online shop")
    payments = page.locator(".mp-milestone").filter(has_text="First promised for 20 November 2026.")
    expect(payments.locator(".mp-badge")).to_have_text("Late")
    expect(payments).to_contain_text("New date: 12 December 2026.")
    expect(payments.locator(".mp-delay")).to_contain_text("The payment provider changed its interface")
    expect(payments.locator(".mp-delay")).to_contain_text("we test them with you on 8 December")
    expect(payments.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "33")
    # Recent work, week by week, in plain words: prefixes, tickets and e-mails gone.
    # Work on a milestone is listed under it, and not again under its week.
    expect(page.locator(".mp-milestone .mp-tied")).to_contain_text(["Start refunds in the back office"])
    expect(page.locator(".mp-week").first).not_to_contain_text("Start refunds in the back office")
    expect(page.locator(".mp-week").first).to_contain_text("1 change is listed under its milestone above.")
    expect(page.locator("body")).not_to_contain_text("feat(")
    expect(page.locator("body")).not_to_contain_text("anna@agency.example)")  # not from commits
    expect(page.locator("body")).not_to_contain_text("jira.agency.internal")
    expect(page.locator(".mp-counted").first).to_contain_text("smaller technical improvement")
    expect(page.locator("#budget + .mp-progress, .mp-progress-text").last).to_contain_text(
        "312 of 400 hours used (78%) as of 20 November 2026."
    )
    assert page.js_errors == []
    screenshot(page, "acme-webshop")


def test_search_finds_a_project_page(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/acme-retail/index.html")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    search = page.locator("input.md-search__input")
    # fill() does not trigger material's search; typing does.
    search.press_sequentially("refunds", delay=30)
    result = page.locator(".md-search-result__item").first
    expect(result).to_be_visible(timeout=10_000)
    expect(page.locator(".md-search-result")).to_contain_text("New online shop")
    page.locator(".md-search-result__item a").first.click()
    expect(page).to_have_url(re.compile(r"/acme-retail/webshop/index\.html"))


def test_contacts_name_the_deputy_while_someone_is_away(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/northwind-clinic/index.html")
    james = page.locator(".mp-contacts li").filter(has_text="James Carter")
    expect(james).to_contain_text("Away until 27 November 2026. Please contact Olivia Brown")
    card = page.locator(".mp-card").filter(has_text="Online appointment booking")
    # At risk: the forecast gives text message reminders about 4 chances in 10 to keep their promise.
    expect(card.locator(".mp-badge")).to_have_text("At risk")


def test_phone_width_has_no_horizontal_scroll(browser_context, demo_url: str) -> None:
    page = browser_context.new_page()
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{demo_url}/acme-retail/webshop/index.html")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    screenshot(page, "acme-webshop-phone")
    page.close()
    assert overflow <= 0


def test_no_request_leaves_the_machine(browser_context, demo_url: str) -> None:
    """No CDN fonts or scripts: every request goes to the local server."""
    page = browser_context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{demo_url}/acme-retail/webshop/index.html")
    page.wait_for_load_state("networkidle")
    page.close()
    outside = [url for url in requests if not url.startswith(demo_url) and not url.startswith("data:")]
    assert outside == []
