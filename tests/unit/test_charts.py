"""The charts' facts and views: timeline rows, burn-up steps, and what the SVG says."""

from __future__ import annotations

import datetime as dt
import re

import markdown

from milepost.i18n import texts_for
from milepost.model import ChangeRequest, Client, Delay, Milestone, Project, Task
from milepost.render.charts import burnup_view, timeline_view
from milepost.render.client_home import render_client_home
from milepost.render.environment import render
from milepost.render.project_page import ProjectView, render_project_page
from milepost.status.burnup import BurnUp, BurnUpPoint, ScopeStep, scope_steps
from milepost.status.forecast import Forecast
from milepost.status.ledger import MilestoneLedger, ProjectLedger
from milepost.status.outlook import ProjectOutlook
from milepost.status.timeline import first_day, timeline_rows

D = dt.date
EN = texts_for("en")
PL = texts_for("pl")
TODAY = D(2026, 11, 24)

SHOP = Project(
    slug="shop",
    client="acme",
    name="Shop",
    milestones=(
        Milestone("catalogue", "Product catalogue", due=D(2026, 10, 15), done=D(2026, 10, 13), start=D(2026, 9, 1),
                  tasks=(Task("List", D(2026, 9, 25)), Task("Search", D(2026, 10, 13)))),
        Milestone("payments", "Online payments", due=D(2026, 11, 20), start=D(2026, 10, 15),
                  tasks=(Task("Cards", D(2026, 11, 10)), Task("BLIK")),
                  delay=Delay("The provider changed.", "BLIK follows.", D(2026, 12, 12))),
        Milestone("launch", "Shop goes live", due=D(2027, 1, 15), tasks=(Task("Move products"),)),
    ),
    changes=(
        ChangeRequest("CR-1", "Filter by colour", "done", date=D(2026, 10, 1)),
        ChangeRequest("CR-2", "Gift cards", "proposed", date=D(2026, 11, 2)),
        ChangeRequest("CR-3", "Wish list", "accepted", date=D(2026, 11, 2)),
    ),
)
LEDGER = ProjectLedger(
    True,
    milestones={
        "catalogue": MilestoneLedger("catalogue", D(2026, 10, 15), D(2026, 9, 3)),
        "payments": MilestoneLedger("payments", D(2026, 11, 20), D(2026, 9, 3)),
        "launch": MilestoneLedger("launch", D(2027, 1, 15), D(2026, 8, 28)),
    },
)
FORECASTS = {
    "payments": Forecast("payments", True, earliest=D(2027, 1, 1), latest=D(2027, 1, 19)),
    "launch": Forecast("launch", True, earliest=D(2026, 12, 1), latest=D(2027, 1, 2)),  # not later
}
BURNUP = BurnUp(
    True,
    (
        BurnUpPoint(D(2026, 9, 3), 4, 0),
        BurnUpPoint(D(2026, 9, 25), 4, 1),
        BurnUpPoint(D(2026, 10, 1), 5, 1),
        BurnUpPoint(D(2026, 10, 13), 5, 2),
        BurnUpPoint(D(2026, 11, 2), 6, 2),
        BurnUpPoint(D(2026, 11, 10), 5, 3),
        BurnUpPoint(TODAY, 5, 3),
    ),
)
OUTLOOK = ProjectOutlook(ledger=LEDGER, forecasts=FORECASTS, burnup=BURNUP)


def test_rows_follow_the_page_order_with_the_first_promise_only_when_it_moved() -> None:
    rows = timeline_rows(SHOP, OUTLOOK, TODAY)
    assert [r.milestone for r in rows] == ["catalogue", "payments", "launch"]
    catalogue, payments, launch = rows
    assert (catalogue.start, catalogue.end, catalogue.done, catalogue.first_promise) == (
        D(2026, 9, 1), D(2026, 10, 13), D(2026, 10, 13), None
    )
    assert (payments.promise, payments.first_promise) == (D(2026, 12, 12), D(2026, 11, 20))
    assert payments.forecast == (D(2027, 1, 1), D(2027, 1, 19))
    # A forecast that is not later than the promise is not drawn.
    assert launch.forecast is None
    # No `start:`: the row starts on the project's first day (here a promise made in the ledger).
    assert (launch.start, launch.start_given) == (D(2026, 8, 28), False)


def test_the_first_promise_comes_from_the_ledger() -> None:
    moved = ProjectLedger(True, milestones={"launch": MilestoneLedger("launch", D(2026, 12, 20), D(2026, 9, 1))})
    launch = timeline_rows(SHOP, ProjectOutlook(ledger=moved), TODAY)[-1]
    assert launch.first_promise == D(2026, 12, 20)
    # Without a ledger, `due` keeps the first promise.
    payments = timeline_rows(SHOP, None, TODAY)[1]
    assert payments.first_promise == D(2026, 11, 20)


def test_the_project_first_day() -> None:
    bare = Project("p", "c", "P", milestones=(Milestone("a", "A", due=D(2027, 1, 1)),))
    assert first_day(bare, None, TODAY) == TODAY
    assert first_day(SHOP, None, TODAY) == D(2026, 9, 1)
    assert first_day(SHOP, OUTLOOK, TODAY) == D(2026, 8, 28)


def test_a_step_of_the_plan_names_the_agreed_change_requests_of_its_day() -> None:
    assert scope_steps(BURNUP, SHOP.changes) == (
        ScopeStep(D(2026, 10, 1), 4, 5, ("CR-1",)),
        ScopeStep(D(2026, 11, 2), 5, 6, ("CR-3",)),  # CR-2 is only proposed
        ScopeStep(D(2026, 11, 10), 6, 5, ()),
    )
    assert scope_steps(BurnUp(False, (BurnUpPoint(TODAY, 3, 0),))) == ()


def test_every_mark_of_the_timeline_says_what_it_is_in_the_clients_words() -> None:
    view = timeline_view(SHOP, OUTLOOK, TODAY, EN)
    assert view is not None
    payments = view.rows[1]
    assert payments.promise.title == "Online payments: first promised for 20 November 2026, now 12 December 2026."
    assert payments.first_promise is not None and payments.first_promise.x < payments.promise.x
    assert payments.forecast is not None
    assert payments.forecast.title == (
        "Online payments: at the current pace, between 1 January 2027 and 19 January 2027."
    )
    assert payments.bar.title == "Online payments: Late, from 15 October 2026 to 12 December 2026."
    assert view.rows[0].done is not None
    assert view.rows[0].done.title == "Product catalogue: finished on 13 October 2026."
    assert view.today.title == "Today: 24 November 2026."
    assert payments.figures == (
        "Start: 15 October 2026.",
        "First promised for 20 November 2026.",
        "New date: 12 December 2026.",
        "At the current pace, between 1 January 2027 and 19 January 2027.",
    )
    assert [t.label for t in view.ticks] == ["Aug", "Sept", "Oct", "Nov", "Dec", "Jan"]
    assert [t.year for t in view.ticks] == ["2026", "", "", "", "", "2027"]
    assert timeline_view(Project("p", "c", "P"), None, TODAY, EN) is None


def test_the_timeline_speaks_the_clients_language() -> None:
    view = timeline_view(SHOP, OUTLOOK, TODAY, PL)
    assert view is not None
    assert [t.label for t in view.ticks][:3] == ["sie", "wrz", "paź"]
    assert view.rows[1].promise.title == (
        "Online payments: pierwotnie obiecany termin 20 listopada 2026, teraz 12 grudnia 2026."
    )
    assert view.today.label == "Dziś"


def test_the_burn_up_names_its_steps_and_says_its_figures() -> None:
    view = burnup_view(SHOP, OUTLOOK, TODAY, EN)
    assert view is not None
    assert [s.label for s in view.steps] == ["CR-1", "CR-3", ""]
    assert view.steps[1].title == "On 2 November 2026 the plan grew from 5 to 6 parts. Change request CR-3: Wish list."
    assert view.steps[2].title == "On 10 November 2026 the plan shrank from 6 to 5 parts."
    assert view.summary[:2] == ("Planned now: 5 parts.", "Done so far: 3 parts.")
    assert [(r.date, r.planned, r.done, r.changes) for r in view.table][2] == ("1 October 2026", "5", "1", "CR-1")
    # The plan goes on, dashed, to the last promise.
    assert view.planned_ahead
    assert burnup_view(SHOP, ProjectOutlook(), TODAY, EN) is None


def test_the_charts_are_named_images_with_their_figures_in_text_and_no_blank_line() -> None:
    timeline = timeline_view(SHOP, OUTLOOK, TODAY, EN)
    burnup = burnup_view(SHOP, OUTLOOK, TODAY, EN)
    for name, chart in (("charts/timeline.html.j2", timeline), ("charts/burnup.html.j2", burnup)):
        html = render(name, EN, chart=chart)
        assert "\n\n" not in html.strip()
        svg = re.search(r"<svg class=\"mp-chart-svg\"[^>]*>", html)
        assert svg is not None
        assert 'role="img"' in svg.group(0)
        label = re.search(r'aria-labelledby="([^"]+)"', svg.group(0))
        assert label is not None and f'<title id="{label.group(1)}">' in html
        assert 'class="mp-chart-figures"' in html
        assert "<script" not in html and "http://" not in html.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "Online payments</strong> (Late): Start: 15 October 2026." in render(
        "charts/timeline.html.j2", EN, chart=timeline
    )


def test_text_in_the_svg_is_escaped() -> None:
    evil = Project("p", "c", "P", milestones=(Milestone("a", "<script>x</script> & co", due=D(2026, 12, 1)),))
    html = render("charts/timeline.html.j2", EN, chart=timeline_view(evil, None, TODAY, EN))
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; co" in html


CLIENT = Client(slug="acme", name="ACME", language="en")


def test_the_project_page_and_the_home_card_carry_the_charts() -> None:
    page = render_project_page(ProjectView(CLIENT, SHOP, TODAY, outlook=OUTLOOK), EN)
    html = markdown.markdown(page, extensions=["attr_list", "toc"])
    # The timeline comes before the milestones, the burn-up under its own heading after them.
    assert html.index('class="mp-chart mp-timeline"') < html.index('id="milestones"') < html.index('id="burn-up"')
    assert html.index('id="burn-up"') < html.index('class="mp-chart mp-burnup"')
    # Markdown kept each figure one raw block: no <p> was put into the SVG.
    figure = html[html.index("<figure"):html.index("</figure>")]
    assert "<p><svg" not in figure and "<p><g" not in figure
    home = render_client_home(CLIENT, [SHOP], TODAY, EN, {"shop": OUTLOOK})
    assert 'class="mp-chart mp-timeline mp-chart-compact"' in home
    assert 'id="mp-timeline-shop-title"' in home
