"""The feeds a client subscribes to: Atom news, ICS dates and status.json, read back as a
feed reader, a calendar app or a script would."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import icalendar
import pytest

from helpers import OTHER_PROCESSES, output_in_new_process
from milepost.i18n import texts_for
from milepost.model import (
    Budget,
    ChangeRequest,
    Client,
    Delay,
    Deliverable,
    Milestone,
    Project,
    Task,
    WaitingItem,
    WorkNote,
)
from milepost.publish.feeds import atom_feed, ics_calendar
from milepost.publish.status_json import project_status, status_json_bytes

ATOM = "{http://www.w3.org/2005/Atom}"
SCRIPT = "<script>alert(1)</script>"
D = dt.date

# A Sunday: the current week (Monday start in en_GB) runs 16-22 November 2026.
TODAY = D(2026, 11, 22)

CLIENT = Client(slug="acme", name="ACME Retail", language="en", timezone="Europe/Warsaw")

PAYMENTS = Milestone(
    id="payments",
    title="Płatności online",
    due=D(2026, 11, 15),
    start=D(2026, 10, 1),
    tasks=(Task("Card payments", D(2026, 11, 10)), Task("BLIK payments")),
    delay=Delay(
        reason="The payment provider changed its interface.",
        plan="Card payments launch first; BLIK follows a week later.",
        due=D(2026, 12, 22),
    ),
)
DESIGN = Milestone(
    id="design",
    title="Shop design",
    due=D(2026, 10, 1),
    done=D(2026, 10, 3),
    tasks=(Task("Mock-ups", D(2026, 9, 20)),),
)
CATALOGUE = Milestone(  # promised for last week, not done, no delay written: plainly late
    id="catalogue",
    title="Product catalogue",
    due=D(2026, 11, 20),
    start=D(2026, 10, 15),
    tasks=(Task("Import", D(2026, 11, 1)), Task("Search")),
)
LAUNCH = Milestone(id="launch", title="Launch", due=D(2027, 1, 15))

PROJECT = Project(
    slug="webshop",
    client="acme",
    name="New online shop",
    summary="What we are building and why.",
    milestones=(PAYMENTS, DESIGN, CATALOGUE, LAUNCH),
    waiting_on_client=(
        WaitingItem("Logo files in SVG", asked=D(2026, 11, 10), needed_by=D(2026, 11, 18), milestone="payments"),
        WaitingItem("Shop texts", asked=D(2026, 11, 12), needed_by=D(2026, 12, 1)),
        WaitingItem("Old price list", asked=D(2026, 10, 1), needed_by=D(2026, 10, 10), done=D(2026, 10, 9)),
    ),
    changes=(ChangeRequest("CR-3", "Gift cards", "proposed", hours=24, impact="Launch moves one week"),),
    deliverables=(
        Deliverable(D(2026, 11, 15), "Product page preview", url="https://staging.example/product"),
        Deliverable(D(2026, 12, 1), "Checkout preview"),  # announced ahead: not news yet
    ),
    budget=Budget(hours=400, used=312, as_of=D(2026, 11, 20)),
)

CHANGES = (
    WorkNote("new", "Customers can pay by card", D(2026, 11, 19), milestone="payments", sha="a1"),
    WorkNote("fixed", "The basket keeps its items after logging in", D(2026, 11, 17), sha="a2"),
    WorkNote("counted", "chore: bump deps", D(2026, 11, 18), sha="a3"),
    WorkNote("counted", "refactor: cart", D(2026, 11, 16), sha="a4"),
    WorkNote("note", "We met the payment provider.", D(2026, 11, 4), sha="b1"),
    WorkNote("hidden", "Internal: rotate keys", D(2026, 11, 11), sha="c1"),  # week of 9 Nov: nothing visible
    WorkNote("faster", "Search answers in half the time", D(2026, 11, 25), sha="d1"),  # after today
    WorkNote("new", "Old work", D(2026, 8, 3), sha="e1"),  # before the window
)


def build_atom(
    project: Project = PROJECT,
    changes: tuple[WorkNote, ...] = CHANGES,
    today: dt.date = TODAY,
    base_url: str = "",
    language: str = "en",
) -> bytes:
    return atom_feed(CLIENT, project, changes, today, texts=texts_for(language), base_url=base_url)


def entries(feed: bytes) -> dict[str, ET.Element]:
    root = ET.fromstring(feed)
    return {e.findtext(f"{ATOM}id"): e for e in root.findall(f"{ATOM}entry")}


def build_ics(project: Project = PROJECT, today: dt.date = TODAY) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(ics_calendar(CLIENT, project, today, texts=texts_for("en")))


def events(calendar: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


# --- Atom --------------------------------------------------------------------------------------


def test_atom_has_one_entry_per_week_with_work_and_per_finished_thing() -> None:
    # The news of the plan (moves, late, waiting, decisions) is tested in test_feed_events.py.
    found = sorted(i for i in entries(build_atom()) if any(k in i for k in (":week:", ":done", ":deliverable:")))
    # Quiet weeks (9 Nov: hidden work only) and things dated after today get no entry.
    assert len(found) == 4
    assert found[1:] == [
        "urn:milepost:acme:webshop:milestone:design:done",
        "urn:milepost:acme:webshop:week:2026-11-02",
        "urn:milepost:acme:webshop:week:2026-11-16",
    ]
    assert re.fullmatch(r"urn:milepost:acme:webshop:deliverable:2026-11-15:[0-9a-f]{12}", found[0])


def test_atom_deliverable_id_survives_edits_to_its_details() -> None:
    edited = Project(
        slug="webshop",
        client="acme",
        name="Renamed shop",
        deliverables=(Deliverable(D(2026, 11, 15), "Product page preview", description="Now with photos"),),
    )
    (before,) = [i for i in entries(build_atom()) if ":deliverable:" in i]
    (after,) = [i for i in entries(build_atom(project=edited, changes=())) if ":deliverable:" in i]
    assert before == after


def test_atom_week_entry_says_what_changed_in_plain_words() -> None:
    week = entries(build_atom())["urn:milepost:acme:webshop:week:2026-11-16"]
    assert week.findtext(f"{ATOM}title") == "Week of 16–22 November 2026"
    content = week.find(f"{ATOM}content")
    assert content is not None and content.get("type") == "html"
    body = content.text or ""
    assert "<strong>New</strong>" in body and "<li>Customers can pay by card</li>" in body
    assert "<strong>Fixed</strong>" in body and "The basket keeps its items after logging in" in body
    assert "2 smaller technical improvements." in body
    # Counted changes are counted, never listed; work after today is not shown yet.
    assert "bump deps" not in body and "half the time" not in body
    # The latest work of the week (the 19th) dates the entry, in the client's time zone.
    assert week.findtext(f"{ATOM}updated") == "2026-11-19T00:00:00+01:00"
    link = week.find(f"{ATOM}link")
    assert link is not None and link.get("href") == "./#week-2026-11-16"


def test_atom_note_shows_under_from_the_team() -> None:
    week = entries(build_atom())["urn:milepost:acme:webshop:week:2026-11-02"]
    body = week.findtext(f"{ATOM}content") or ""
    assert "<strong>From the team</strong>" in body and "We met the payment provider." in body
    assert "smaller technical" not in body


def test_atom_finished_milestone_and_deliverable_entries() -> None:
    found = entries(build_atom())
    design = found["urn:milepost:acme:webshop:milestone:design:done"]
    assert design.findtext(f"{ATOM}title") == "Finished: Shop design"
    assert design.findtext(f"{ATOM}updated") == "2026-10-03T00:00:00+02:00"
    assert "First promised for 1 October 2026." in (design.findtext(f"{ATOM}content") or "")
    (deliverable,) = [e for i, e in found.items() if ":deliverable:" in i]
    assert deliverable.findtext(f"{ATOM}title") == "Ready to see: Product page preview"
    link = deliverable.find(f"{ATOM}link")
    assert link is not None and link.get("href") == "https://staging.example/product"
    assert not any("Checkout preview" in (e.findtext(f"{ATOM}title") or "") for e in found.values())


def test_atom_entries_newest_first_and_feed_dated_by_newest_entry() -> None:
    root = ET.fromstring(build_atom())
    updated = [e.findtext(f"{ATOM}updated") or "" for e in root.findall(f"{ATOM}entry")]
    as_times = [dt.datetime.fromisoformat(u) for u in updated]
    assert as_times == sorted(as_times, reverse=True)
    assert root.findtext(f"{ATOM}updated") == updated[0]
    assert root.findtext(f"{ATOM}title") == "New online shop"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_atom_without_news_is_valid_and_dated_today() -> None:
    quiet = Project(slug="quiet", client="acme", name="Quiet")
    root = ET.fromstring(build_atom(project=quiet, changes=()))
    assert root.findall(f"{ATOM}entry") == []
    assert root.findtext(f"{ATOM}updated") == "2026-11-22T00:00:00+01:00"
    author = root.find(f"{ATOM}author")
    assert author is not None and author.findtext(f"{ATOM}name")


def test_atom_script_in_texts_stays_text() -> None:
    project = Project(
        slug="webshop",
        client="acme",
        name=SCRIPT,
        milestones=(Milestone(id="x", title=SCRIPT, due=D(2026, 11, 1), done=D(2026, 11, 2)),),
        deliverables=(Deliverable(D(2026, 11, 3), SCRIPT, url="https://staging.example/?a=1&b=2"),),
    )
    changes = (WorkNote("new", SCRIPT, D(2026, 11, 20)),)
    raw = build_atom(project=project, changes=changes)
    assert b"<script>" not in raw
    root = ET.fromstring(raw)
    assert root.findtext(f"{ATOM}title") == SCRIPT
    titles = [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")]
    assert f"Finished: {SCRIPT}" in titles and f"Ready to see: {SCRIPT}" in titles
    # Entry content is HTML carried as text: once a reader unescapes the XML, the commit
    # message is still escaped HTML, so it shows as text and never runs.
    week = entries(raw)["urn:milepost:acme:webshop:week:2026-11-16"]
    body = week.findtext(f"{ATOM}content") or ""
    assert "<li>&lt;script&gt;alert(1)&lt;/script&gt;</li>" in body
    assert "<script>" not in body
    deliverable = next(e for i, e in entries(raw).items() if ":deliverable:" in i)
    assert 'href="https://staging.example/?a=1&amp;b=2"' in (deliverable.findtext(f"{ATOM}content") or "")


def test_atom_survives_control_characters_in_a_commit_message() -> None:
    changes = (WorkNote("new", "Colour\x1b[31m fix\x00", D(2026, 11, 20)),)
    body = entries(build_atom(changes=changes))["urn:milepost:acme:webshop:week:2026-11-16"]
    assert "Colour[31m fix" in (body.findtext(f"{ATOM}content") or "")


def both_feeds() -> bytes:
    return build_atom() + b"\0" + build_atom(base_url="https://status.example/acme/webshop/")


@pytest.mark.parametrize("environ", OTHER_PROCESSES, ids=lambda e: e["TZ"])
def test_atom_is_byte_identical_in_another_process(environ: dict[str, str]) -> None:
    """The same input gives the same bytes in a process with another hash seed and local time
    zone (nothing taken from set order or the machine's clock)."""
    here = both_feeds()
    assert here.count(b"<entry>") >= 2  # something to compare
    assert output_in_new_process(Path(__file__), "both_feeds()", environ) == here


def test_atom_ids_stay_while_the_week_grows() -> None:
    thursday = entries(build_atom(today=D(2026, 11, 19)))
    sunday = entries(build_atom(today=TODAY))
    week = "urn:milepost:acme:webshop:week:2026-11-16"
    assert week in thursday and week in sunday
    later = (*CHANGES, WorkNote("fixed", "Late Saturday fix", D(2026, 11, 21)))
    grown = entries(build_atom(changes=later))[week]
    assert grown.findtext(f"{ATOM}updated") == "2026-11-21T00:00:00+01:00"
    assert set(entries(build_atom(changes=later))) == set(sunday)


def test_atom_with_base_url_links_absolutely_and_keeps_ids() -> None:
    base = "https://status.example/acme/webshop/"
    raw = build_atom(base_url=base)
    root = ET.fromstring(raw)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
    assert links == {"alternate": base, "self": base + "feed.xml"}
    week = entries(raw)["urn:milepost:acme:webshop:week:2026-11-16"]
    link = week.find(f"{ATOM}link")
    assert link is not None and link.get("href") == base + "#week-2026-11-16"
    assert set(entries(raw)) == set(entries(build_atom()))


def test_atom_in_polish_uses_polish_dates_and_utf8() -> None:
    raw = build_atom(language="pl")
    root = ET.fromstring(raw)
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "pl"
    week = entries(raw)["urn:milepost:acme:webshop:week:2026-11-16"]
    assert "22 listopada 2026" in (week.findtext(f"{ATOM}title") or "")
    assert raw.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")


# --- ICS ---------------------------------------------------------------------------------------


def test_ics_has_a_named_calendar_with_stable_uids() -> None:
    calendar = build_ics()
    assert str(calendar["X-WR-CALNAME"]) == "New online shop"
    assert str(calendar["NAME"]) == "New online shop"
    assert set(events(calendar)) == {
        "payments.webshop.acme@milepost",
        "design.webshop.acme@milepost",
        "catalogue.webshop.acme@milepost",
        "launch.webshop.acme@milepost",
        *[uid for uid in events(calendar) if ".waiting.webshop.acme@milepost" in uid],
    }
    waiting = [uid for uid in events(calendar) if ".waiting." in uid]
    assert len(waiting) == 2  # the delivered price list is no longer a date to keep


def test_ics_delayed_milestone_sits_on_its_new_date_with_reason_and_plan() -> None:
    event = events(build_ics())["payments.webshop.acme@milepost"]
    assert event.decoded("DTSTART") == D(2026, 12, 22)
    assert event.decoded("DTEND") == D(2026, 12, 23)
    assert str(event["SUMMARY"]) == "Płatności online (new date)"
    description = str(event["DESCRIPTION"])
    assert "The payment provider changed its interface." in description
    assert "Card payments launch first; BLIK follows a week later." in description
    assert "First promised for 15 November 2026." in description


def test_ics_finished_late_and_planned_milestones() -> None:
    found = events(build_ics())
    design = found["design.webshop.acme@milepost"]
    assert design.decoded("DTSTART") == D(2026, 10, 3)
    assert str(design["SUMMARY"]) == "Shop design (finished)"
    catalogue = found["catalogue.webshop.acme@milepost"]
    assert catalogue.decoded("DTSTART") == D(2026, 11, 20)
    assert str(catalogue["SUMMARY"]) == "Product catalogue (late)"
    launch = found["launch.webshop.acme@milepost"]
    assert launch.decoded("DTSTART") == D(2027, 1, 15)
    assert str(launch["SUMMARY"]) == "Launch"
    # All-day events: plain dates, not times.
    assert type(launch.decoded("DTSTART")) is dt.date


def test_ics_waiting_items_fall_on_needed_by() -> None:
    found = [e for uid, e in events(build_ics()).items() if ".waiting." in uid]
    by_summary = {str(e["SUMMARY"]): e for e in found}
    logo = by_summary["Needed from you: Logo files in SVG"]
    assert logo.decoded("DTSTART") == D(2026, 11, 18)
    assert "Needed for: Płatności online" in str(logo["DESCRIPTION"])
    assert by_summary["Needed from you: Shop texts"].decoded("DTSTART") == D(2026, 12, 1)


def test_ics_stamp_comes_from_today_not_the_clock() -> None:
    for event in build_ics().walk("VEVENT"):
        assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 22, tzinfo=dt.UTC)


def test_ics_is_byte_identical_and_uids_survive_a_new_date() -> None:
    first = ics_calendar(CLIENT, PROJECT, TODAY, texts=texts_for("en"))
    assert first == ics_calendar(CLIENT, PROJECT, TODAY, texts=texts_for("en"))
    assert b"\r\n" in first
    moved = Milestone(id="launch", title="Launch", due=D(2027, 1, 15), delay=Delay("r", "p", D(2027, 2, 1)))
    project = Project(slug="webshop", client="acme", name="New online shop", milestones=(moved,))
    event = events(build_ics(project=project))["launch.webshop.acme@milepost"]
    assert event.decoded("DTSTART") == D(2027, 2, 1)


def test_ics_script_in_a_title_is_plain_text() -> None:
    project = Project(
        slug="webshop",
        client="acme",
        name="Shop",
        milestones=(Milestone(id="x", title=SCRIPT, due=D(2026, 12, 1)),),
    )
    event = events(build_ics(project=project))["x.webshop.acme@milepost"]
    assert str(event["SUMMARY"]) == SCRIPT


# --- status.json -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def status() -> dict:
    raw = status_json_bytes(CLIENT, PROJECT, CHANGES, TODAY)
    assert "Płatności".encode() in raw  # UTF-8 as is, no \u escapes
    return json.loads(raw)


def test_status_top_level(status: dict) -> None:
    assert status["schema_version"] == 1
    assert status["generated_on"] == "2026-11-22"
    assert status["client"] == "ACME Retail"
    assert status["project"] == {
        "slug": "webshop",
        "name": "New online shop",
        "summary": "What we are building and why.",
    }
    # Which late milestone names the rule is health.py's business; late it must be.
    assert status["health"]["state"] == "late"
    assert status["health"]["rule"] in {"past-due", "delayed"}
    # payments 1 of 2, design done (1 task), catalogue 1 of 2, launch none done (counts as 1).
    assert status["progress"] == {"done": 3, "total": 6, "share": 0.5}


def test_status_milestones(status: dict) -> None:
    by_id = {m["id"]: m for m in status["milestones"]}
    assert [m["id"] for m in status["milestones"]] == ["design", "catalogue", "payments", "launch"]
    catalogue = by_id["catalogue"]
    assert (catalogue["state"], catalogue["rule"]) == ("late", "past-due")
    assert catalogue["delay"] is None
    payments = by_id["payments"]
    assert (payments["state"], payments["rule"]) == ("late", "delayed")
    assert payments["due"] == "2026-11-15" and payments["current_due"] == "2026-12-22"
    assert payments["delay"] == {
        "reason": "The payment provider changed its interface.",
        "plan": "Card payments launch first; BLIK follows a week later.",
        "due": "2026-12-22",
    }
    assert (payments["tasks_done"], payments["tasks_total"], payments["progress"]) == (1, 2, 0.5)
    assert by_id["design"]["done"] == "2026-10-03" and by_id["design"]["state"] == "done"
    assert by_id["launch"]["state"] == "planned"
    assert status["next_milestone"]["id"] == "catalogue"


def test_status_waiting_on_client(status: dict) -> None:
    assert status["waiting_on_client"] == [
        {
            "title": "Logo files in SVG",
            "asked": "2026-11-10",
            "needed_by": "2026-11-18",
            "overdue_days": 4,
            "milestone": "payments",
        },
        {
            "title": "Shop texts",
            "asked": "2026-11-12",
            "needed_by": "2026-12-01",
            "overdue_days": 0,
            "milestone": None,
        },
    ]


def test_status_budget_deliverables_and_change_requests(status: dict) -> None:
    assert status["budget"] == {
        "hours": 400,
        "used": 312,
        "left": 88,
        "share_used": 0.78,
        "as_of": "2026-11-20",
        # The hours against the work: 78% used for 60% of the parts, so they cover 60 / 78.
        "used_percent": 78,
        "done_percent": 60,
        "ahead": True,
        "covers_percent": 77,
        "raises": [],
    }
    assert [d["title"] for d in status["deliverables"]] == ["Checkout preview", "Product page preview"]
    assert status["changes"] == [
        {
            "id": "CR-3",
            "title": "Gift cards",
            "status": "proposed",
            "hours": 24,
            "impact": "Launch moves one week",
            "date": None,
        }
    ]


def test_status_recent_work_lists_only_shown_kinds_in_the_window(status: dict) -> None:
    assert status["recent_work"] == [
        {"date": "2026-11-19", "kind": "new", "text": "Customers can pay by card", "milestone": "payments"},
        {
            "date": "2026-11-17",
            "kind": "fixed",
            "text": "The basket keeps its items after logging in",
            "milestone": None,
        },
        {"date": "2026-11-04", "kind": "note", "text": "We met the payment provider.", "milestone": None},
    ]
    assert status["counted_recently"] == 2
    assert status["recent_work_from"] == "2026-10-12"


def test_status_without_budget_or_open_milestones() -> None:
    done = Project(
        slug="old",
        client="acme",
        name="Old site",
        milestones=(Milestone(id="all", title="All", due=D(2026, 1, 1), done=D(2026, 1, 1)),),
    )
    status = project_status(CLIENT, done, (), TODAY)
    assert status["budget"] is None
    assert status["next_milestone"] is None
    assert status["health"] == {"state": "done", "rule": "all-done"}
    assert status["recent_work"] == [] and status["counted_recently"] == 0


def test_status_json_is_byte_identical_for_the_same_input() -> None:
    first = status_json_bytes(CLIENT, PROJECT, CHANGES, TODAY)
    assert first == status_json_bytes(CLIENT, PROJECT, CHANGES, TODAY)
    assert first.endswith(b"}\n")
