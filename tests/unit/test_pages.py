"""Page writers as plain functions: data in, Markdown with HTML blocks out (no MkDocs)."""

from __future__ import annotations

import datetime as dt

import markdown

from milepost.i18n import texts_for
from milepost.model import (
    Absence,
    Budget,
    ChangeRequest,
    Client,
    Contact,
    Delay,
    Milestone,
    Project,
    Task,
    WaitingItem,
    WorkNote,
)
from milepost.render.client_home import render_client_home
from milepost.render.contacts import contacts_section
from milepost.render.project_page import ProjectView, render_project_page
from milepost.status.recent_work import weeks_of_work, with_quiet_stretches
from milepost.status.waiting import open_waiting

D = dt.date
EN = texts_for("en")
TODAY = D(2026, 11, 24)

CLIENT = Client(
    slug="acme", name="ACME", language="en", timezone="Europe/Warsaw", response_time="within a day",
    contacts=(
        Contact("Anna", role="PM", email="anna@agency.example",
                away=(Absence(D(2026, 11, 20), D(2026, 11, 30), "Piotr"),)),
        Contact("Piotr", role="Dev", email="piotr@agency.example",
                away=(Absence(D(2026, 12, 10), D(2026, 12, 12), "Anna"),)),
    ),
)

PROJECT = Project(
    slug="shop", client="acme", name="Shop",
    milestones=(
        Milestone("pay", "Payments", due=D(2026, 11, 20), start=D(2026, 10, 1),
                  tasks=(Task("Cards", D(2026, 11, 2)), Task("BLIK")),
                  delay=Delay("Provider changed", "Cards first", D(2026, 12, 12))),
        Milestone("live", "Go live", due=D(2027, 1, 15), start=D(2026, 12, 1)),
    ),
    waiting_on_client=(
        WaitingItem("Texts", asked=D(2026, 11, 1), needed_by=D(2026, 12, 1)),
        WaitingItem("Logo", asked=D(2026, 11, 10), needed_by=D(2026, 11, 20), milestone="live"),
        WaitingItem("Old thing", asked=D(2026, 10, 1), done=D(2026, 10, 5)),
    ),
    changes=(ChangeRequest("CR-1", "Gift cards", "proposed", hours=24, impact="One week"),),
    budget=Budget(hours=100, used=110, as_of=D(2026, 11, 20)),
)

CHANGES = (
    WorkNote("new", "Card form", D(2026, 11, 23), milestone="pay"),
    WorkNote("fixed", "<script>alert(1)</script>", D(2026, 11, 17)),
    WorkNote("counted", "", D(2026, 11, 17)),
    WorkNote("counted", "", D(2026, 11, 16)),
)


def html_of(md_text: str) -> str:
    return markdown.markdown(md_text, extensions=["attr_list", "toc", "tables"])


def test_project_page_tells_the_late_milestone_plainly() -> None:
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, CHANGES), EN))
    assert "First promised for 20 November 2026. New date: 12 December 2026." in page
    assert "Provider changed" in page and "Cards first" in page
    assert 'aria-valuenow="50"' in page
    assert "Over the agreed hours by 10." in page
    assert "Waiting for your decision" in page
    assert '<h2 id="milestones">Milestones</h2>' in page


def test_commit_text_is_escaped_on_the_page() -> None:
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, CHANGES), EN))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_waiting_items_overdue_first_and_delivered_ones_gone() -> None:
    assert [i.title for i in open_waiting(PROJECT, TODAY)] == ["Logo", "Texts"]
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, CHANGES), EN))
    assert "Overdue by 4 days." in page and "Needed for: Go live" in page and "Old thing" not in page


def test_weeks_count_small_work_and_show_quiet_weeks() -> None:
    weeks = weeks_of_work(CHANGES, today=TODAY, week_start=EN.week_start(TODAY), weeks=3)
    assert [w.start for w in weeks] == [D(2026, 11, 23), D(2026, 11, 16), D(2026, 11, 9)]
    assert [c.text for c in weeks[0].listed["new"]] == ["Card form"]
    assert weeks[1].counted == 2 and weeks[2].empty
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, CHANGES), EN))
    assert "2 smaller technical improvements." in page


def test_the_week_not_over_yet_is_no_quiet_week() -> None:
    """On Tuesday 24 November, with nothing yet this week, the page must not say "No work
    shown in 1 week: 23–29 November"; last week's work comes first."""
    older = tuple(n for n in CHANGES if n.date < D(2026, 11, 23))
    weeks = weeks_of_work(older, today=TODAY, week_start=EN.week_start(TODAY), weeks=3)
    assert weeks[0].start == D(2026, 11, 23) and weeks[0].empty
    runs = with_quiet_stretches(weeks, TODAY)
    assert runs[0].start == D(2026, 11, 16)
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, older), EN))
    assert "23–29 November" not in page and "29 November" not in page


def test_a_quiet_stretch_is_one_line_not_a_week_each() -> None:
    weeks = weeks_of_work(CHANGES, today=TODAY, week_start=EN.week_start(TODAY), weeks=6)
    runs = with_quiet_stretches(weeks)
    assert [type(r).__name__ for r in runs] == ["Week", "Week", "QuietStretch"]
    assert (runs[2].start, runs[2].end, runs[2].weeks) == (D(2026, 10, 19), D(2026, 11, 15), 4)
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, CHANGES), EN))
    assert "No work shown in 4 weeks: 19 October\u2009–\u200915 November 2026." in page
    assert page.count("Week of ") == 2 and "week-2026-11-09" not in page
    # One quiet week between two busy ones: singular, and the busy weeks keep their headings.
    gap = CHANGES + (WorkNote("fixed", "Old fix", D(2026, 11, 3)),)
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, gap), EN))
    assert "No work shown in 1 week: 9–15 November 2026." in page
    assert "week-2026-11-02" in page and "No work shown in 2 weeks: 19 October\u2009–\u20091 November 2026." in page


def test_work_under_its_milestone_is_not_listed_again_under_its_week() -> None:
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, CHANGES), EN))
    assert page.count("Card form") == 1
    assert page.index("Card form") < page.index('id="recent-work"')
    assert "1 change is listed under its milestone above." in page
    # The week still counts as a week with work: its heading stays, it is no quiet stretch.
    assert 'id="week-2026-11-23"' in page
    # Only what the milestone lists (its latest few) is left out of the weeks.
    many = tuple(WorkNote("new", f"Step {i}", D(2026, 11, 10 + i), milestone="pay") for i in range(7))
    page = html_of(render_project_page(ProjectView(CLIENT, PROJECT, TODAY, many), EN))
    assert all(page.count(f"Step {i}") == 1 for i in range(7))
    assert page.index("Step 0") > page.index('id="recent-work"') > page.index("Step 6")


def test_contacts_name_the_deputy_and_announce_absences() -> None:
    text = html_of(contacts_section(CLIENT, TODAY, EN))
    assert "Away until 30 November 2026. Please contact Piotr (piotr@agency.example) instead." in text
    assert "Away from 10 December 2026 to 12 December 2026; Anna will stand in." in text
    assert "We answer within a day." in text
    later = html_of(contacts_section(CLIENT, D(2026, 12, 1), EN))
    assert "Away until" not in later.split("Piotr")[0]


def test_client_home_lists_projects_and_what_is_waiting() -> None:
    home = html_of(render_client_home(CLIENT, [PROJECT], TODAY, EN))
    assert 'href="shop/index.html"' in home
    # Two items and the change request that waits for the client's decision.
    assert "Late" in home and "We are waiting for 3 things from you." in home
    assert home.index("Logo") < home.index("Texts") < home.index("Your decision on CR-1: Gift cards")


def test_a_heading_stays_on_one_line_and_keeps_no_break_spaces() -> None:
    from milepost.render.environment import ENVIRONMENT, md_text

    text = "Неделя 16–22 ноября 2026\u202fг.\nand\t *more*"
    assert md_text(text) == "Неделя 16–22 ноября 2026\u202fг\\. and \\*more\\*"
    template = ENVIRONMENT.from_string('{% import "macros.html.j2" as m %}{{ m.heading(3, text, "week") }}')
    line = template.render(text=text) + "\n\n"
    assert line == "### Неделя 16–22 ноября 2026\u202fг\\. and \\*more\\* {#week}\n\n"
    rendered = html_of(line)
    assert "2026\u202fг." in rendered and "<em>" not in rendered
