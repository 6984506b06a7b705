"""The replays of the past: a project as it stood on a day (status/replay.py), the calibration
record (status/calibration.py), the health strip (status/health_timeline.py) and their words."""

from __future__ import annotations

import datetime as dt
import json

from milepost.history.project_files import (
    COMPLETE,
    NO_HISTORY,
    MilestoneSnapshot,
    ProjectFileVersion,
    ProjectFileVersions,
)
from milepost.i18n import texts_for
from milepost.model import Client, Milestone, Project, Task, WaitingItem
from milepost.publish.status_json import status_json_bytes
from milepost.render.health_record import calibration_sentence, health_strip_view
from milepost.status.calibration import Calibration, Replay, client_calibration, held
from milepost.status.forecast import Forecast
from milepost.status.health import HealthState
from milepost.status.health_timeline import STRIP_WEEKS, HealthWeek, horizon_weeks, week_ends
from milepost.status.outlook import ProjectOutlook
from milepost.status.replay import committed_versions, project_on

D = dt.date
UTC = dt.UTC


def version(day: dt.date, *plans: MilestoneSnapshot, readable: bool = True) -> ProjectFileVersion:
    when = dt.datetime.combine(day, dt.time(12), UTC)
    return ProjectFileVersion(day.isoformat().replace("-", "").ljust(40, "0"), when, "p.yml", plans, readable)


def project(*milestones: Milestone, waiting: tuple[WaitingItem, ...] = ()) -> Project:
    return Project(slug="p", client="c", name="P", milestones=milestones, waiting_on_client=waiting)


def test_a_range_held_when_the_end_is_inside_it_both_ends_included() -> None:
    forecast = Forecast("m", True, earliest=D(2026, 5, 10), latest=D(2026, 5, 20))
    assert held(forecast, D(2026, 5, 10)) and held(forecast, D(2026, 5, 20))
    assert not held(forecast, D(2026, 5, 9))  # finishing before the range is a miss too
    assert not held(forecast, D(2026, 5, 21))


def test_an_open_range_held_on_or_after_its_start() -> None:
    forecast = Forecast("m", True, earliest=D(2026, 5, 10), latest=None)
    assert held(forecast, D(2026, 5, 10)) and held(forecast, D(2027, 1, 1))
    assert not held(forecast, D(2026, 5, 9))


def test_the_project_on_a_day_is_the_version_then_with_the_tasks_done_by_then() -> None:
    now = project(
        Milestone("a", "A", due=D(2026, 6, 1), start=D(2026, 4, 1), done=D(2026, 5, 20),
                  tasks=(Task("x", D(2026, 4, 10)), Task("y", D(2026, 4, 20)), Task("z"))),
        waiting=(WaitingItem("Logo", asked=D(2026, 4, 5), needed_by=D(2026, 4, 12), done=D(2026, 4, 30)),
                 WaitingItem("Texts", asked=D(2026, 5, 1))),
    )
    history = ProjectFileVersions(COMPLETE, (
        version(D(2026, 4, 1), MilestoneSnapshot("a", "A", due=D(2026, 5, 15), tasks=2)),
        version(D(2026, 4, 25), MilestoneSnapshot("a", "A", due=D(2026, 5, 15), delay_due=D(2026, 6, 1), tasks=3)),
        version(D(2026, 4, 28), readable=False),
    ))
    versions = committed_versions(history, UTC)
    assert project_on(now, versions, D(2026, 3, 31)) is None  # no version yet
    early = project_on(now, versions, D(2026, 4, 22))
    assert early is not None
    (m,) = early.project.milestones
    # Two tasks in that version, both done by then; the promise then; no delay yet; not done.
    assert (len(m.tasks), m.tasks_done, m.due, m.delay, m.done) == (2, 2, D(2026, 5, 15), None, None)
    assert m.start == D(2026, 4, 1)
    # The logo was asked for and not yet delivered; the texts not yet asked for.
    assert [(w.title, w.done) for w in early.project.waiting_on_client] == [("Logo", None)]
    assert early.scopes == ((D(2026, 4, 1), 2),)  # the scope known then
    later = project_on(now, versions, D(2026, 5, 2))
    assert later is not None
    (m,) = later.project.milestones
    assert (len(m.tasks), m.tasks_done, m.current_due) == (3, 2, D(2026, 6, 1))
    assert [(w.title, w.done) for w in later.project.waiting_on_client] == [
        ("Logo", D(2026, 4, 30)), ("Texts", None)
    ]
    assert later.scopes == ((D(2026, 4, 1), 2), (D(2026, 4, 25), 3))  # the unreadable version is passed over


def test_nothing_is_replayed_without_the_files_history() -> None:
    now = ProjectFileVersion("", None, "p.yml", (MilestoneSnapshot("a", due=D(2026, 5, 1), tasks=1),))
    assert committed_versions(ProjectFileVersions(NO_HISTORY, (now,)), UTC) == ()
    assert committed_versions(None, UTC) == ()


def test_weeks_end_seven_days_apart_the_last_today_at_most_a_year() -> None:
    today = D(2026, 11, 24)
    assert week_ends(D(2026, 11, 17), today) == [D(2026, 11, 17), today]
    assert week_ends(D(2026, 11, 16), today) == [D(2026, 11, 17), today]  # the week holding it
    assert week_ends(D(2026, 11, 20), today) == [today]
    assert week_ends(today, today) == [today]
    assert week_ends(D(2026, 11, 25), today) == []
    assert len(week_ends(D(2020, 1, 1), today)) == STRIP_WEEKS


def test_futures_of_a_replayed_week_run_a_week_past_the_latest_promise() -> None:
    p = project(
        Milestone("a", "A", due=D(2026, 5, 15), tasks=(Task("x"),)),
        Milestone("b", "B", due=D(2026, 6, 30), tasks=(Task("x"),)),
        Milestone("c", "C", due=D(2026, 9, 30), done=D(2026, 4, 1)),  # finished: no question left
    )
    assert horizon_weeks(p, D(2026, 5, 1)) == 9 + 1  # 60 days to 30 June: 9 weeks, and one more
    assert horizon_weeks(p, D(2026, 7, 10)) == 1  # every promise past


def test_the_calibration_sentence_is_the_same_good_or_bad_and_says_when_nothing_was_checked() -> None:
    texts = texts_for("en")
    assert calibration_sentence(Calibration(7, 9), texts) == (
        "Our forecasts four weeks ahead held for 7 of 9 finished milestones."
    )
    assert calibration_sentence(Calibration(0, 1), texts) == (
        "Our forecasts four weeks ahead held for 0 of 1 finished milestone."
    )
    assert calibration_sentence(Calibration(0, 0), texts) == (
        "We cannot say yet how good our forecasts are: no milestone has been finished that we could forecast "
        "four weeks ahead."
    )
    assert calibration_sentence(None, texts) is None  # not measured


def test_the_sentence_in_every_language() -> None:
    for language in ("pl", "ru", "uk", "de"):
        text = calibration_sentence(Calibration(7, 9), texts_for(language))
        assert text is not None and "7" in text and "9" in text
        assert text != calibration_sentence(Calibration(7, 9), texts_for("en")), language


def test_a_clients_record_adds_up_its_projects() -> None:
    assert client_calibration([Calibration(1, 2), Calibration(0, 0), Calibration(3, 3)]) == Calibration(4, 5)


def test_the_strip_names_every_stretch_and_never_uses_colour_alone() -> None:
    texts = texts_for("en")
    weeks = [
        HealthWeek(D(2026, 11, 3), HealthState.ON_TRACK, "on-track"),
        HealthWeek(D(2026, 11, 10), HealthState.ON_TRACK, "on-track"),
        HealthWeek(D(2026, 11, 17), HealthState.AT_RISK, "low-chance"),
        HealthWeek(D(2026, 11, 24), HealthState.LATE, "past-due"),
    ]
    strip = health_strip_view(weeks, texts)
    assert strip is not None
    # From each stretch's first day: two weeks read as two, one week as its seven days.
    assert strip.stretches == (
        "28 October\u2009–\u200910 November 2026: On track (2 weeks)",
        "11–17 November 2026: At risk (1 week)",
        "18–24 November 2026: Late (1 week)",
    )
    assert (strip.first, strip.last) == ("28 Oct", "24 Nov")
    assert [w.title for w in strip.weeks][-1] == "Week to 24 Nov: Late"
    assert [m.state for m in strip.legend] == [HealthState.ON_TRACK, HealthState.AT_RISK, HealthState.LATE]
    assert health_strip_view([], texts) is None


def test_status_json_carries_the_record_and_the_weeks() -> None:
    client = Client(slug="c", name="C", language="en")
    p = project(Milestone("a", "A", due=D(2026, 5, 15), done=D(2026, 5, 20)))
    record = Calibration(1, 1, (Replay("a", D(2026, 4, 22), D(2026, 5, 20), D(2026, 5, 12), None, True),))
    outlook = ProjectOutlook(
        calibration=record, health_weeks=(HealthWeek(D(2026, 5, 20), HealthState.DONE, "all-done"),)
    )
    data = json.loads(status_json_bytes(client, p, (), D(2026, 11, 24), outlook, Calibration(3, 4)))
    assert data["calibration"] == {
        "held": 1,
        "total": 1,
        "milestones": [{"milestone": "a", "forecast_made": "2026-04-22", "done": "2026-05-20",
                        "earliest": "2026-05-12", "latest": None, "held": True}],
    }
    assert data["client_calibration"] == {"held": 3, "total": 4}
    assert data["health_weeks"] == [{"end": "2026-05-20", "state": "done", "rule": "all-done"}]
    bare = json.loads(status_json_bytes(client, p, (), D(2026, 11, 24)))
    assert (bare["calibration"], bare["client_calibration"], bare["health_weeks"]) == (None, None, [])
