"""The honest headline, the budget against the work and the kept promises (status/), and their
sentences (render/): table tests over plain data, edge cases included."""

from __future__ import annotations

import datetime as dt

import pytest

from milepost.history.project_files import COMPLETE, NO_HISTORY, ProjectFileVersion, ProjectFileVersions
from milepost.i18n import texts_for
from milepost.load.milestone_snapshot import BudgetSnapshot, snapshot_of_text
from milepost.model import Budget, ChangeRequest, Delay, HealthOverride, Milestone, Project, Task, WaitingItem
from milepost.render.budget_words import pace_sentence, raise_sentences
from milepost.render.glance import glance_view
from milepost.render.kept_promise_words import kept_promises_sentence
from milepost.status.budget import budget_pace, budget_raises
from milepost.status.forecast import Forecast
from milepost.status.headline import Cause, project_headline, update_overdue
from milepost.status.health import Signals
from milepost.status.kept_promises import KeptPromises, Move, client_kept_promises, project_kept_promises
from milepost.status.ledger import UNAVAILABLE, MilestoneLedger, ProjectLedger
from milepost.status.waiting import awaiting_decision, waiting_count

D = dt.date
TODAY = D(2026, 11, 24)
UTC = dt.UTC
EN = texts_for("en")


def tasks(done: int, open_: int) -> tuple[Task, ...]:
    return tuple(Task(f"done {i}", D(2026, 11, 1)) for i in range(done)) + tuple(
        Task(f"open {i}") for i in range(open_)
    )


PAYMENTS = Milestone(
    "payments",
    "Online payments",
    due=D(2026, 11, 20),
    start=D(2026, 10, 15),
    tasks=tasks(1, 2),
    delay=Delay("The provider changed its interface.", "Cards first.", D(2026, 12, 12)),
)
LAUNCH = Milestone("launch", "Shop goes live", due=D(2027, 1, 15), start=D(2026, 12, 1), tasks=tasks(0, 3))


def project(*milestones: Milestone, **fields: object) -> Project:
    return Project(slug="shop", client="acme", name="Shop", milestones=milestones, **fields)  # type: ignore[arg-type]


def forecast(ident: str, earliest: D, latest: D | None) -> Forecast:
    return Forecast(ident, True, earliest=earliest, latest=latest, remaining=2)


# --- the headline ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case", "milestones", "forecasts", "waiting", "cause", "shows_forecast"),
    [
        (
            "late, written reason, later forecast",
            (PAYMENTS, LAUNCH),
            {"payments": (D(2027, 1, 1), D(2027, 1, 19))},
            (),
            Cause.WRITTEN,
            True,
        ),
        ("late, no forecast", (PAYMENTS, LAUNCH), {}, (), Cause.WRITTEN, False),
        (
            "forecast earlier than the promise",
            (PAYMENTS,),
            {"payments": (D(2026, 12, 1), D(2026, 12, 10))},
            (),
            Cause.WRITTEN,
            False,
        ),
        ("at risk by the forecast", (LAUNCH,), {"launch": (D(2027, 2, 1), D(2027, 2, 20))}, (), Cause.FORECAST, True),
        (
            "at risk by an overdue item",
            (LAUNCH,),
            {},
            (WaitingItem("Logo", D(2026, 11, 10), D(2026, 11, 20), milestone="launch"),),
            Cause.WAITING,
            False,
        ),
        ("on track: no cause", (LAUNCH,), {"launch": (D(2027, 1, 2), D(2027, 1, 10))}, (), None, False),
        ("nothing open", (), {}, (), None, False),
    ],
)
def test_headline(case, milestones, forecasts, waiting, cause, shows_forecast) -> None:
    signals = Signals(forecasts={k: forecast(k, *v) for k, v in forecasts.items()})
    headline = project_headline(project(*milestones, waiting_on_client=waiting), TODAY, signals)
    assert headline.cause == cause, case
    assert (headline.forecast is not None) == shows_forecast, case


def test_the_headline_says_the_promise_and_the_later_forecast_and_why() -> None:
    signals = Signals(forecasts={"payments": forecast("payments", D(2027, 1, 1), D(2027, 1, 19))})
    view = glance_view(project(PAYMENTS, LAUNCH), TODAY, EN, outlook=None)
    assert view.headline is None  # nothing measured: no forecast to set against the promise
    from milepost.status.outlook import ProjectOutlook

    view = glance_view(
        project(PAYMENTS, LAUNCH), TODAY, EN, ProjectOutlook(forecasts=signals.forecasts, signals=signals)
    )
    assert view.headline == "Online payments: promised for 12 December 2026; at the current pace 1–19 January 2027."
    assert view.note is not None and view.note.text == "The provider changed its interface." and view.note.labelled


def test_an_override_keeps_its_reason_at_a_glance_whatever_the_state() -> None:
    p = project(LAUNCH, health_override=HealthOverride("on_track", "We agreed a later start."))
    headline = project_headline(p, TODAY)
    assert headline.cause == Cause.WRITTEN and headline.written == "We agreed a later start."


@pytest.mark.parametrize(
    ("next_update", "days"),
    [(None, 0), (D(2026, 11, 25), 0), (TODAY, 0), (D(2026, 11, 23), 1), (D(2026, 11, 14), 10)],
)
def test_update_overdue(next_update, days) -> None:
    assert update_overdue(project(LAUNCH, next_update=next_update), TODAY) == days


# --- change requests waiting for a decision --------------------------------------------------


def test_change_requests_waiting_for_a_decision_are_counted() -> None:
    changes = (
        ChangeRequest("CR-2", "Colours", "done"),
        ChangeRequest("CR-4", "Wishlist", "proposed"),
        ChangeRequest("CR-3", "Gift cards", "proposed", date=D(2026, 11, 5)),
        ChangeRequest("CR-5", "Blog", "rejected"),
    )
    waiting = (WaitingItem("Logo", D(2026, 11, 10)), WaitingItem("Texts", D(2026, 11, 1), done=D(2026, 11, 3)))
    p = project(LAUNCH, changes=changes, waiting_on_client=waiting)
    assert [c.id for c in awaiting_decision(p)] == ["CR-3", "CR-4"]
    assert waiting_count(p, TODAY) == 3
    assert waiting_count(project(LAUNCH), TODAY) == 0


# --- budget against work ------------------------------------------------------------------------


def version(day: D, hours: float | None, hour: int = 12) -> ProjectFileVersion:
    budget = BudgetSnapshot(hours, 0.0, day) if hours is not None else None
    return ProjectFileVersion(
        f"c{day}{hour}", dt.datetime(day.year, day.month, day.day, hour, tzinfo=UTC), "p.yml", (), True, "", budget
    )


def history(*versions: ProjectFileVersion, status: str = COMPLETE) -> ProjectFileVersions:
    return ProjectFileVersions(status, versions)


# The demo's webshop: 3 + 1 of 9 parts done (44%), 312 of 400 hours used (78%).
WEBSHOP = (
    Milestone("catalogue", "Catalogue", due=D(2026, 10, 15), done=D(2026, 10, 13), tasks=tasks(3, 0)),
    PAYMENTS,
    LAUNCH,
)


@pytest.mark.parametrize(
    ("case", "budget", "milestones", "used", "done", "ahead", "covers"),
    [
        ("the webshop", Budget(400, 312, TODAY), WEBSHOP, 78, 44, True, 56),
        ("no budget", None, WEBSHOP, None, None, None, None),
        ("no hours agreed", Budget(0, 10, TODAY), WEBSHOP, None, None, None, None),
        (
            "no tasks to compare",
            Budget(100, 50, TODAY),
            (Milestone("x", "X", due=D(2027, 1, 1)),),
            50,
            None,
            False,
            None,
        ),
        ("hours behind the work", Budget(400, 100, TODAY), WEBSHOP, 25, 44, False, None),
        ("within the margin", Budget(400, 216, TODAY), WEBSHOP, 54, 44, False, None),
        ("just past the margin", Budget(400, 220, TODAY), WEBSHOP, 55, 44, True, 80),
        ("over budget", Budget(400, 440, TODAY), WEBSHOP, 110, 44, True, 40),
    ],
)
def test_budget_pace(case, budget, milestones, used, done, ahead, covers) -> None:
    pace = budget_pace(project(*milestones, budget=budget), None, UTC, TODAY)
    if used is None:
        assert pace is None, case
        return
    assert pace is not None
    assert (pace.used_percent, pace.done_percent, pace.ahead, pace.covers_percent) == (used, done, ahead, covers), case


@pytest.mark.parametrize(
    ("case", "versions", "raises"),
    [
        ("never raised", (version(D(2026, 10, 1), 400), version(D(2026, 11, 1), 400)), []),
        ("raised once", (version(D(2026, 10, 1), 360), version(D(2026, 11, 2), 400)), [(D(2026, 11, 2), 360, 400)]),
        ("corrected on its first day", (version(D(2026, 10, 1), 300, 9), version(D(2026, 10, 1), 360, 15)), []),
        (
            "budget added later",
            (version(D(2026, 9, 1), None), version(D(2026, 10, 1), 360), version(D(2026, 11, 2), 400)),
            [(D(2026, 11, 2), 360, 400)],
        ),
        (
            "twice on one day",
            (version(D(2026, 10, 1), 300), version(D(2026, 11, 2), 350, 9), version(D(2026, 11, 2), 400, 15)),
            [(D(2026, 11, 2), 300, 400)],
        ),
        ("lowered", (version(D(2026, 10, 1), 400), version(D(2026, 11, 2), 350)), []),
        (
            "raised, lowered, raised",
            (version(D(2026, 10, 1), 300), version(D(2026, 10, 5), 400), version(D(2026, 10, 9), 350),
             version(D(2026, 11, 2), 380)),
            [(D(2026, 10, 5), 300, 400), (D(2026, 11, 2), 350, 380)],
        ),
    ],
)
def test_budget_raises_from_the_history(case, versions, raises) -> None:
    found = budget_raises(history(*versions), UTC, TODAY)
    assert [(r.day, r.old, r.new) for r in found] == raises, case


def test_no_history_no_raises() -> None:
    assert budget_raises(None, UTC, TODAY) == ()
    assert budget_raises(
        history(version(D(2026, 10, 1), 300), version(D(2026, 11, 1), 400), status=NO_HISTORY), UTC, TODAY
    ) == ()


def test_the_budget_sentences() -> None:
    hist = history(version(D(2026, 10, 13), 360), version(D(2026, 11, 2), 400))
    pace = budget_pace(project(*WEBSHOP, budget=Budget(400, 312, TODAY)), hist, UTC, TODAY)
    assert pace_sentence(pace, EN) == (
        "78% of the hours are used and 44% of the parts are done: at this pace the hours cover about 56% of the plan."
    )
    assert raise_sentences(pace, EN) == ("The agreed hours were raised from 360 to 400 on 2 November 2026.",)
    assert pace is not None and pace.first_hours == 360
    calm = budget_pace(project(*WEBSHOP, budget=Budget(400, 100, TODAY)), None, UTC, TODAY)
    assert pace_sentence(calm, EN) is None and raise_sentences(calm, EN) == ()


def test_a_version_s_budget_is_read_from_the_file() -> None:
    _plans, readable, budget = snapshot_of_text("budget: {hours: 400, used: 312, as_of: 2026-11-20}\nmilestones: []\n")
    assert readable and budget == BudgetSnapshot(400.0, 312.0, D(2026, 11, 20))
    assert snapshot_of_text("budget: {hours: lots}\n")[2] is None
    assert snapshot_of_text("name: x\n")[2] is None


# --- the kept promises -------------------------------------------------------------------------


def ledger(**first: D) -> ProjectLedger:
    return ProjectLedger(True, milestones={k: MilestoneLedger(k, v, D(2026, 9, 1)) for k, v in first.items()})


ON_TIME = Milestone("a", "A", due=D(2026, 10, 15), done=D(2026, 10, 13))
ON_THE_DAY = Milestone("b", "B", due=D(2026, 10, 20), done=D(2026, 10, 20))
FINISHED_LATE = Milestone("c", "C", due=D(2026, 10, 1), done=D(2026, 10, 11), delay=Delay("r", "p", D(2026, 10, 10)))
PAST_DUE_OPEN = Milestone("d", "D", due=D(2026, 11, 20))


@pytest.mark.parametrize(
    ("case", "milestones", "the_ledger", "finished", "kept", "moves"),
    [
        ("all on time", (ON_TIME, ON_THE_DAY, LAUNCH), UNAVAILABLE, 2, 2, []),
        (
            "no ledger: `due` is the first promise",
            (ON_TIME, FINISHED_LATE, PAYMENTS),
            UNAVAILABLE,
            2,
            1,
            [("c", 10, True), ("payments", 22, False)],
        ),
        ("the ledger's first promise counts", (ON_TIME,), ledger(a=D(2026, 10, 1)), 1, 0, [("a", 12, True)]),
        ("open and past its date", (PAST_DUE_OPEN,), UNAVAILABLE, 0, 0, [("d", 4, False)]),
        ("open, not due: not judged", (LAUNCH,), UNAVAILABLE, 0, 0, []),
        ("nothing at all", (), UNAVAILABLE, 0, 0, []),
    ],
)
def test_project_record(case, milestones, the_ledger, finished, kept, moves) -> None:
    record = project_kept_promises(project(*milestones), the_ledger, TODAY)
    assert (record.finished, record.kept) == (finished, kept), case
    assert [(m.milestone, m.days, m.finished) for m in record.moves] == moves, case


def test_client_record_adds_the_projects_up() -> None:
    a = KeptPromises(2, 2, ())
    b = KeptPromises(1, 0, (Move("x", "m", 22, True),))
    total = client_kept_promises([a, b])
    assert (total.finished, total.kept, len(total.moves)) == (3, 2, 1)
    assert client_kept_promises([]) == KeptPromises()


@pytest.mark.parametrize(
    ("record", "sentence"),
    [
        (KeptPromises(3, 3, ()), "3 of 3 finished milestones by the date first promised; none moved."),
        (
            KeptPromises(4, 3, (Move("p", "x", 22, True),)),
            "3 of 4 finished milestones by the date first promised; 1 moved: by 22 days.",
        ),
        (
            KeptPromises(1, 1, (Move("p", "y", 1, False), Move("p", "x", 22, True))),
            "1 of 1 finished milestone by the date first promised;"
            " 2 moved: by 22 days and by 1 day (not finished yet).",
        ),
        (KeptPromises(), "No milestone finished yet; none moved."),
    ],
)
def test_the_record_sentence_is_the_same_for_good_and_bad(record, sentence) -> None:
    assert kept_promises_sentence(record, EN) == sentence


@pytest.mark.parametrize("language", ["pl", "ru", "uk", "de"])
def test_the_new_sentences_are_translated(language) -> None:
    texts = texts_for(language)
    record = KeptPromises(2, 1, (Move("p", "x", 5, False),))
    assert kept_promises_sentence(record, texts) != kept_promises_sentence(record, EN)
    pace = budget_pace(project(*WEBSHOP, budget=Budget(400, 312, TODAY)), None, UTC, TODAY)
    assert pace_sentence(pace, texts) != pace_sentence(pace, EN)


def test_the_page_says_when_the_promised_update_is_overdue() -> None:
    from milepost.model import Client
    from milepost.render.project_page import ProjectView, render_project_page

    client = Client(slug="acme", name="ACME")
    late = render_project_page(ProjectView(client, project(LAUNCH, next_update=D(2026, 11, 21)), TODAY), EN)
    assert "The next update was promised for 21 November 2026 and is 3 days overdue." in late
    assert "Next update by" not in late
    on_time = render_project_page(ProjectView(client, project(LAUNCH, next_update=TODAY), TODAY), EN)
    assert "Next update by 24 November 2026." in on_time and "overdue" not in on_time
