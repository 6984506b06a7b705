"""Honest status in a real browser: the demo's late milestone with its reason, plan, new date,
forecast and promise ledger; what waits on the client first; the data in status.json."""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import expect

from helpers import SCREENSHOTS, screenshot


def test_late_milestone_shows_reason_plan_new_date_forecast_and_ledger(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/acme-retail/webshop/index.html")
    payments = page.locator(".mp-milestone").filter(has_text="First promised for 20 November 2026.")
    expect(payments).to_have_count(1)
    expect(payments.locator(".mp-badge")).to_have_text("Late")
    expect(payments.locator(".mp-milestone-status")).to_contain_text("New date: 12 December 2026.")
    delay = payments.locator(".mp-delay")
    expect(delay).to_contain_text("Why it is late: The payment provider changed its interface in November")
    expect(delay).to_contain_text("What we propose: Card payments already work on the test site")
    # The forecast sits next to the promise because it is later, with the chance of keeping
    # the promise, and says it is no promise.
    forecast = payments.locator(".mp-forecast")
    expect(forecast).to_have_text(
        "At the current pace, between 5 January 2027 and 3 March 2027. "
        "About 2 chances in 10 to be ready by 12 December 2026. "
        "This is an estimate from the work done lately, not a promise."
    )
    # The ledger, from the demo portal's git history: first promise, then the move and why.
    ledger = payments.locator(".mp-ledger li")
    expect(ledger).to_have_text(
        [
            "Promised for 20 November 2026 on 3 September 2026.",
            "Moved to 12 December 2026 on 15 November 2026: The payment provider changed its "
            "interface in November, so the BLIK part had to be rebuilt.",
        ]
    )
    assert page.js_errors == []
    # The milestone with its heading, for the record (test-results/late-milestone.png).
    heading = page.locator("#milestone-payments").bounding_box()
    body = payments.bounding_box()
    assert heading and body
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(
        path=str(SCREENSHOTS / "late-milestone.png"),
        full_page=True,
        clip={
            "x": min(heading["x"], body["x"]) - 8,
            "y": heading["y"] - 8,
            "width": max(heading["width"], body["width"]) + 16,
            "height": body["y"] + body["height"] - heading["y"] + 16,
        },
    )
    screenshot(page, "acme-webshop-ledger")


def test_milestones_that_never_moved_say_so_and_the_team_explains_a_risk(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/acme-retail/webshop/index.html")
    launch = page.locator(".mp-milestone").filter(has_text="Promised for 15 January 2027.")
    # The typo fixed on the day it was written (8 -> 15 January) is a correction, not a move.
    expect(launch.locator(".mp-ledger li")).to_have_text(
        ["Promised for 15 January 2027 on 3 September 2026; this date has not moved since."]
    )
    expect(launch.locator(".mp-badge")).to_have_text("At risk")
    expect(launch.locator(".mp-why")).to_contain_text("We are waiting for something from you")


def test_a_forecast_later_than_the_promise_is_shown_without_changing_the_promise(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/northwind-clinic/booking/index.html")
    reminders = page.locator(".mp-milestone").filter(has_text="Promised for 4 December 2026.")
    # The promise stays; beside it the honest range and the chance, and never "On track" beside
    # a forecast later than the promise.
    expect(reminders.locator(".mp-badge")).to_have_text("At risk")
    expect(reminders.locator(".mp-forecast")).to_contain_text(
        "At the current pace, between 8 December 2026 and 22 December 2026. "
        "About 4 chances in 10 to be ready by 4 December 2026."
    )


def test_home_lists_what_waits_on_the_client_overdue_first(page, demo_url: str) -> None:
    page.goto(f"{demo_url}/acme-retail/index.html")
    items = page.locator(".mp-waiting .mp-waiting-item")
    first = items.first
    expect(first).to_have_class("mp-waiting-item mp-overdue-item")
    expect(first).to_contain_text("Logo files in SVG format")
    expect(first).to_contain_text("Overdue by 4 days.")
    expect(first).to_contain_text("Needed for: Shop goes live")
    # The items not yet overdue follow, soonest needed first.
    expect(items.nth(1)).to_contain_text("Login to the payment provider's test account")
    expect(items.nth(1)).not_to_contain_text("Overdue")


def test_status_json_holds_the_ledger_the_forecast_and_the_burn_up(demo_site: Path) -> None:
    status = json.loads((demo_site / "acme-retail" / "webshop" / "status.json").read_text(encoding="utf-8"))
    payments = next(m for m in status["milestones"] if m["id"] == "payments")
    assert payments["ledger"] == {
        "first_promise": "2026-11-20",
        "promised_on": "2026-09-03",
        "changes": [
            {
                "kind": "moved",
                "day": "2026-11-15",
                "from": "2026-11-20",
                "to": "2026-12-12",
                "later": True,
                "reason": "The payment provider changed its interface in November, so the BLIK part had to be rebuilt.",
            }
        ],
    }
    assert payments["forecast"]["available"] is True
    assert (payments["forecast"]["earliest"], payments["forecast"]["latest"]) == ("2027-01-05", "2027-03-03")
    assert (payments["forecast"]["method"], payments["forecast"]["chance"]) == ("simulation", 0.187)
    assert status["ledger"] == {"available": True, "reason": None}
    assert status["burnup"]["scope_from_history"] is True
    assert status["burnup"]["points"][0] == {"date": "2026-09-03", "scope": 8, "done": 0}
    assert status["burnup"]["points"][-1] == {"date": "2026-11-24", "scope": 9, "done": 4}
    loyalty = json.loads((demo_site / "acme-retail" / "loyalty-app" / "status.json").read_text(encoding="utf-8"))
    design = next(m for m in loyalty["milestones"] if m["id"] == "design")
    # Too young for its own pace: the agency's reference class across its clients, said as such
    # (9 finished milestones: the bakery's and the carpenter's design milestones are among them;
    # and the 2 still open past their first promise, the webshop's payments and the bakery's).
    assert (design["forecast"]["method"], design["forecast"]["references"]) == ("reference-class", 11)
