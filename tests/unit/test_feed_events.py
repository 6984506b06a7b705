"""The news behind change-of-plan letters in the Atom feed (promise moves, late and at-risk
milestones, requests to the client, decisions, deliverables), and the calendar's fields that
let a calendar app move a moved milestone (SEQUENCE, LAST-MODIFIED, URL)."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest

from helpers import OTHER_PROCESSES, output_in_new_process
from milepost.i18n import texts_for
from milepost.model import Client, Decision, Delay, Deliverable, Milestone, Project, Task, WaitingItem, WorkNote
from milepost.publish.feeds import atom_feed, ics_calendar
from milepost.render.project_page import calendar_href
from milepost.status.health import Signals
from milepost.status.ledger import MilestoneLedger, ProjectLedger, PromiseEvent, PromiseEventKind
from milepost.status.outlook import ProjectOutlook

ATOM = "{http://www.w3.org/2005/Atom}"
D = dt.date
TODAY = D(2026, 11, 22)
URN = "urn:milepost:acme:webshop"
CLIENT = Client(slug="acme", name="ACME Retail", language="en", timezone="Europe/Warsaw")

PAYMENTS = Milestone(  # moved twice, now on its new date (late: it has a delay)
    id="payments",
    title="Online payments",
    due=D(2026, 11, 15),
    start=D(2026, 10, 1),
    tasks=(Task("Card payments", D(2026, 11, 10)), Task("BLIK payments")),
    delay=Delay(
        reason="The payment provider changed its interface.",
        plan="Card payments launch first; BLIK follows a week later.",
        due=D(2026, 12, 22),
    ),
)
CATALOGUE = Milestone(  # promised for the 20th, not done: late since the 21st
    id="catalogue", title="Product catalogue", due=D(2026, 11, 20), start=D(2026, 10, 15),
    tasks=(Task("Import", D(2026, 11, 1)), Task("Search")),
)
SEARCH = Milestone(  # due in a week with nothing done: at risk (due soon) since the 15th
    id="search", title="Search", due=D(2026, 11, 29), start=D(2026, 11, 1), tasks=(Task("Index"), Task("Filters")),
)
LAUNCH = Milestone(id="launch", title="Launch", due=D(2027, 3, 15))  # planned: no news

PROJECT = Project(
    slug="webshop",
    client="acme",
    name="New online shop",
    milestones=(PAYMENTS, CATALOGUE, SEARCH, LAUNCH),
    waiting_on_client=(
        WaitingItem("Logo files <SVG>", asked=D(2026, 11, 10), needed_by=D(2026, 11, 18), milestone="payments"),
        WaitingItem("Old price list", asked=D(2026, 10, 1), needed_by=D(2026, 10, 10), done=D(2026, 10, 9)),
        WaitingItem("Shop texts", asked=D(2026, 11, 30)),  # after today
    ),
    decisions=(
        Decision(
            D(2026, 11, 12), "BLIK after cards", agreed=("Cards first", "BLIK a week later"), summary="We talked."
        ),
        Decision(D(2026, 12, 2), "Not yet"),
    ),
    deliverables=(Deliverable(D(2026, 11, 15), "Product page preview"),),
)

LEDGER = ProjectLedger(
    True,
    milestones={
        "payments": MilestoneLedger(
            milestone="payments",
            first_promise=D(2026, 11, 15),
            promised_on=D(2026, 9, 1),
            events=(
                PromiseEvent(
                    PromiseEventKind.MOVED, D(2026, 11, 5), old=D(2026, 11, 15), new=D(2026, 12, 8), reason="Provider"
                ),
                PromiseEvent(
                    PromiseEventKind.MOVED,
                    D(2026, 11, 12),
                    old=D(2026, 12, 8),
                    new=D(2026, 12, 22),
                    reason="Provider again",
                ),
            ),
        ),
        "catalogue": MilestoneLedger("catalogue", first_promise=D(2026, 11, 20), promised_on=D(2026, 9, 3)),
    },
)
OUTLOOK = ProjectOutlook(ledger=LEDGER, signals=Signals(last_work=D(2026, 11, 19), inactive_days=30))
WORK = (WorkNote("new", "Customers can pay by card", D(2026, 11, 19), sha="a1"),)


def build_atom(project: Project = PROJECT, outlook: ProjectOutlook | None = OUTLOOK, today: dt.date = TODAY) -> bytes:
    return atom_feed(CLIENT, project, WORK, today, texts=texts_for("en"), base_url="", outlook=outlook)


def entries(feed: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(feed)
    return {e.findtext(f"{ATOM}id") or "": e for e in root.findall(f"{ATOM}entry")}


def body(entry: ET.Element) -> str:
    return entry.findtext(f"{ATOM}content") or ""


def test_every_kind_of_news_is_an_entry() -> None:
    ids = set(entries(build_atom()))
    assert {
        f"{URN}:milestone:payments:moved:2026-11-05",
        f"{URN}:milestone:payments:moved:2026-11-12",
        f"{URN}:milestone:payments:late",
        f"{URN}:milestone:catalogue:late",
        f"{URN}:milestone:search:at-risk",
        f"{URN}:week:2026-11-16",
    } <= ids
    assert len([i for i in ids if ":waiting:" in i]) == 1  # the delivered and the future ones are no news
    assert len([i for i in ids if ":decision:2026-11-12:" in i]) == 1
    assert len([i for i in ids if ":deliverable:" in i]) == 1
    assert not any(":launch:" in i for i in ids)
    assert not any(":decision:2026-12-02:" in i for i in ids)


def feed_and_calendar() -> bytes:
    """The Atom feed and the calendar of the same input, as bytes."""
    calendar = ics_calendar(CLIENT, PROJECT, TODAY, texts=texts_for("en"), base_url="", outlook=OUTLOOK)
    return build_atom() + b"\0" + calendar


@pytest.mark.parametrize("environ", OTHER_PROCESSES, ids=lambda e: e["TZ"])
def test_another_process_gives_the_same_bytes(environ: dict[str, str]) -> None:
    """Feed and calendar, with their moves, decisions and waiting items, are the same bytes in a
    process with another hash seed and local time zone."""
    here = feed_and_calendar()
    assert here.count(b"<entry>") >= 5 and here.count(b"BEGIN:VEVENT") >= 3  # something to compare
    assert output_in_new_process(Path(__file__), "feed_and_calendar()", environ) == here


def test_a_later_day_keeps_the_ids() -> None:
    today = entries(build_atom())
    tomorrow = entries(build_atom(today=TODAY + dt.timedelta(days=1)))
    assert set(today) <= set(tomorrow)
    for ident, entry in today.items():
        if ":week:" not in ident:  # only a running week's entry is dated by its latest work
            assert tomorrow[ident].findtext(f"{ATOM}updated") == entry.findtext(f"{ATOM}updated"), ident


def test_a_move_says_from_when_to_when_and_why_with_the_plan_on_the_latest() -> None:
    found = entries(build_atom())
    first = found[f"{URN}:milestone:payments:moved:2026-11-05"]
    latest = found[f"{URN}:milestone:payments:moved:2026-11-12"]
    assert latest.findtext(f"{ATOM}title") == "New date for Online payments: 22 December 2026"
    assert latest.findtext(f"{ATOM}updated") == "2026-11-12T00:00:00+01:00"
    assert "Provider again" in body(latest) and "8 December 2026" in body(latest)
    assert "BLIK follows a week later" in body(latest)
    assert "BLIK follows" not in body(first)
    link = latest.find(f"{ATOM}link")
    assert link is not None and link.get("href") == "./#milestone-payments"


def test_late_and_at_risk_are_dated_by_when_they_began() -> None:
    found = entries(build_atom())
    catalogue = found[f"{URN}:milestone:catalogue:late"]
    assert catalogue.findtext(f"{ATOM}title") == "Late: Product catalogue"
    assert catalogue.findtext(f"{ATOM}updated") == "2026-11-21T00:00:00+01:00"  # the day after the promise
    payments = found[f"{URN}:milestone:payments:late"]
    assert payments.findtext(f"{ATOM}updated") == "2026-11-12T00:00:00+01:00"  # the latest move
    assert "The payment provider changed its interface." in body(payments)
    search = found[f"{URN}:milestone:search:at-risk"]
    assert search.findtext(f"{ATOM}title") == "At risk: Search"
    assert search.findtext(f"{ATOM}updated") == "2026-11-15T00:00:00+01:00"  # two weeks before the date
    assert "fewer than half" in body(search)


def test_request_and_decision_entries() -> None:
    found = entries(build_atom())
    (waiting,) = [e for i, e in found.items() if ":waiting:" in i]
    assert waiting.findtext(f"{ATOM}title") == "Needed from you: Logo files <SVG>"
    assert waiting.findtext(f"{ATOM}updated") == "2026-11-10T00:00:00+01:00"
    assert "Logo files" not in body(waiting) and "Needed for: Online payments" in body(waiting)
    assert "18 November 2026" in body(waiting)
    (decision,) = [e for i, e in found.items() if ":decision:" in i]
    assert decision.findtext(f"{ATOM}title") == "Decided: BLIK after cards"
    assert decision.findtext(f"{ATOM}updated") == "2026-11-12T00:00:00+01:00"
    assert "<li>Cards first</li>" in body(decision) and "We talked." in body(decision)


def test_request_id_is_the_calendar_fingerprint_and_survives_edits() -> None:
    edited = Project(
        slug="webshop", client="acme", name="Renamed",
        waiting_on_client=(WaitingItem("Logo files <SVG>", asked=D(2026, 11, 10), needed_by=D(2026, 12, 1)),),
    )
    before = {i for i in entries(build_atom()) if ":waiting:" in i}
    after = {i for i in entries(build_atom(project=edited, outlook=None)) if ":waiting:" in i}
    assert before == after
    fingerprint = next(iter(before)).rsplit(":", 1)[1]
    assert any(uid.startswith(f"{fingerprint}.waiting.") for uid in events(build_ics()))


def test_without_an_outlook_there_are_no_moves_but_still_late_milestones() -> None:
    ids = set(entries(build_atom(outlook=None)))
    assert not any(":moved:" in i for i in ids)
    assert f"{URN}:milestone:catalogue:late" in ids


# --- the calendar ---------------------------------------------------------------------------------


def build_ics(base_url: str = "", outlook: ProjectOutlook | None = OUTLOOK) -> icalendar.Calendar:
    raw = ics_calendar(CLIENT, PROJECT, TODAY, texts=texts_for("en"), base_url=base_url, outlook=outlook)
    return icalendar.Calendar.from_ical(raw)


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_a_moved_milestone_counts_its_moves_and_is_dated_by_the_last() -> None:
    found = events(build_ics())
    payments = found["payments.webshop.acme@milepost"]
    assert int(payments["SEQUENCE"]) == 2
    # The start of 12 November in Warsaw, in UTC.
    assert payments.decoded("LAST-MODIFIED") == dt.datetime(2026, 11, 11, 23, 0, tzinfo=dt.UTC)
    catalogue = found["catalogue.webshop.acme@milepost"]
    assert int(catalogue["SEQUENCE"]) == 0
    assert catalogue.decoded("LAST-MODIFIED").date() == D(2026, 9, 2)  # the first promise, in UTC
    assert "URL" not in payments  # no site address known


def test_calendar_without_a_ledger_keeps_sequence_zero_and_uids() -> None:
    with_ledger, without = events(build_ics()), events(build_ics(outlook=None))
    assert set(with_ledger) == set(without)
    launch = without["launch.webshop.acme@milepost"]
    assert int(launch["SEQUENCE"]) == 0 and "LAST-MODIFIED" not in launch


def test_calendar_events_link_to_their_milestone_when_the_address_is_known() -> None:
    found = events(build_ics(base_url="https://status.example/acme/webshop/"))
    assert str(found["payments.webshop.acme@milepost"]["URL"]) == "https://status.example/acme/webshop/#milestone-payments"


def test_calendar_link_subscribes_when_the_address_is_known() -> None:
    assert calendar_href("https://status.example/acme/webshop/") == "webcal://status.example/acme/webshop/calendar.ics"
    assert calendar_href("http://status.example/webshop/") == "webcal://status.example/webshop/calendar.ics"
    assert calendar_href("") == "calendar.ics"


def test_a_waiting_item_event_links_its_section_and_is_dated_by_the_item() -> None:
    found = events(build_ics(base_url="https://status.example/acme/webshop/"))
    (logo,) = [e for uid, e in found.items() if ".waiting." in uid and "Logo" in str(e["SUMMARY"])]
    assert str(logo["URL"]) == "https://status.example/acme/webshop/#waiting-on-you"
    # Asked on 10 November (Warsaw), needed by the 18th.
    assert logo.decoded("LAST-MODIFIED") == dt.datetime(2026, 11, 9, 23, 0, tzinfo=dt.UTC)
    assert int(logo["SEQUENCE"]) == 8


def test_a_waiting_item_whose_date_moves_later_gets_a_higher_sequence_and_the_same_uid() -> None:
    item = WaitingItem("Logo files <SVG>", asked=D(2026, 11, 10), needed_by=D(2026, 12, 1))
    later = WaitingItem("Logo files <SVG>", asked=D(2026, 11, 10), needed_by=D(2026, 12, 8))

    def waiting(one: WaitingItem, today: dt.date) -> icalendar.Event:
        project = Project(slug="webshop", client="acme", name="Shop", waiting_on_client=(one,))
        raw = ics_calendar(CLIENT, project, today, texts=texts_for("en"), base_url="https://s.example/")
        (event,) = icalendar.Calendar.from_ical(raw).walk("VEVENT")
        return event

    first, moved = waiting(item, TODAY), waiting(later, TODAY)
    assert str(first["UID"]) == str(moved["UID"])
    assert int(moved["SEQUENCE"]) > int(first["SEQUENCE"])
    # A rebuild on another day changes only DTSTAMP.
    again = waiting(item, TODAY + dt.timedelta(days=3))
    for name in ("SEQUENCE", "LAST-MODIFIED", "URL", "UID", "DTSTART"):
        assert again[name].to_ical() == first[name].to_ical()
