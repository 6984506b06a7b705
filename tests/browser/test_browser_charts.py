"""The charts in a real browser: drawn, named, readable on a phone, and their figures in text."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from helpers import screenshot

PHONE = {"width": 390, "height": 844}


def _no_horizontal_scroll(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0


def _inside_the_page(page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 60, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box


# English, and Russian (longer words: the table of figures once pushed the page sideways).
@pytest.mark.parametrize(
    "path",
    ["acme-retail/webshop/index.html", "northwind-clinic/booking/index.html", "shkola-poliglot/kabinet/index.html"],
)
def test_the_charts_of_a_project_are_visible_on_a_phone_without_sideways_scroll(browser_context, demo_url: str,
                                                                                path: str) -> None:
    page = browser_context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_url}/{path}")
    for chart in (
        page.locator("figure.mp-timeline svg.mp-chart-svg"), page.locator("figure.mp-burnup svg.mp-chart-svg")
    ):
        expect(chart).to_have_count(1)
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        _inside_the_page(page, chart)
    _no_horizontal_scroll(page)
    screenshot(page, "charts-phone-" + path.split("/")[0])
    page.close()


def test_the_timeline_and_the_burn_up_are_named_images_with_their_figures(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/acme-retail/webshop/index.html")
    expect(page.get_by_role("img", name="Timeline of the milestones of New online shop")).to_be_visible()
    expect(page.get_by_role("img", name="Work planned and done in New online shop, over time")).to_be_visible()
    # Each mark says what it is, as a tooltip.
    promise = page.locator("figure.mp-timeline use.mp-tl-promise title").nth(1)
    expect(promise).to_have_text("Online payments: first promised for 20 November 2026, now 12 December 2026.")
    # The figures, for screen readers and print (hidden on screen, where the milestones say them).
    figures = page.locator("figure.mp-timeline .mp-chart-figures li")
    expect(figures).to_have_count(3)
    expect(figures.nth(1)).to_contain_text("First promised for 20 November 2026. New date: 12 December 2026.")
    expect(
        page.locator("figure.mp-burnup .mp-chart-note")
    ).to_contain_text("Planned now: 9 parts. Done so far: 4 parts.")
    page.emulate_media(media="print")
    expect(page.locator("figure.mp-burnup .mp-chart-figures table")).to_be_visible()
    page.emulate_media(media="screen")
    assert page.js_errors == []


def test_a_step_of_the_plan_names_its_change_request(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/northwind-clinic/booking/index.html")
    burnup = page.locator("figure.mp-burnup")
    expect(burnup.locator(".mp-bu-step-label")).to_have_text("CR-1")
    expect(burnup.locator(".mp-chart-note")).to_contain_text("Change request CR-1:")


def test_every_card_at_home_has_its_compact_timeline_on_a_phone(browser_context, demo_url: str) -> None:
    page = browser_context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"{demo_url}/acme-retail/index.html")
    cards = page.locator(".mp-card")
    expect(cards).to_have_count(2)
    for index in range(2):
        chart = cards.nth(index).locator("figure.mp-chart-compact svg.mp-chart-svg")
        chart.scroll_into_view_if_needed()
        expect(chart).to_be_visible()
        _inside_the_page(page, chart)
    expect(page.get_by_role("img", name="Timeline of the milestones of Loyalty points app")).to_be_visible()
    _no_horizontal_scroll(page)
    screenshot(page, "charts-phone-home")
    page.close()
