"""Health rules at their boundaries (see docs/health.md)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import milepost
from milepost.model import Delay, HealthOverride, Milestone, Project, Task, WaitingItem
from milepost.status.forecast import Forecast
from milepost.status.health import (
    HealthRule,
    HealthState,
    Signals,
    milestone_health,
    next_milestone,
    project_health,
    project_progress,
)

D = dt.date


def milestone(**kw) -> Milestone:
    values = dict(id="m", title="M", start=D(2026, 11, 1), due=D(2026, 12, 31),
                  tasks=(Task("a", D(2026, 11, 5)), Task("b")))
    values.update(kw)
    return Milestone(**values)


def project(*milestones: Milestone, waiting: tuple[WaitingItem, ...] = ()) -> Project:
    return Project(slug="p", client="c", name="P", milestones=milestones, waiting_on_client=waiting)


CASES = [
    # (name, milestone, today, expected state, expected rule)
    ("done wins even when late", milestone(done=D(2027, 1, 5)), D(2027, 2, 1), HealthState.DONE, "done"),
    ("today is the due date: not late", milestone(), D(2026, 12, 31), HealthState.AT_RISK, "behind-schedule"),
    ("one day after the due date: late", milestone(), D(2027, 1, 1), HealthState.LATE, "past-due"),
    ("a delay is late even before its new date",
     milestone(delay=Delay("r", "p", D(2027, 1, 20))), D(2026, 11, 10), HealthState.LATE, "delayed"),
    ("past the delay's new date: late",
     milestone(delay=Delay("r", "p", D(2027, 1, 20))), D(2027, 1, 21), HealthState.LATE, "past-due"),
    (
        "no tasks, started, far from due: on track",
        milestone(tasks=()),
        D(2026, 11, 10),
        HealthState.ON_TRACK,
        "on-track",
    ),
    (
        "no tasks, no start: planned",
        milestone(tasks=(), start=None),
        D(2026, 11, 10),
        HealthState.PLANNED,
        "not-started",
    ),
    (
        "start in the future: planned",
        milestone(start=D(2026, 12, 1)),
        D(2026, 11, 10),
        HealthState.PLANNED,
        "not-started",
    ),
    ("all tasks done but not marked done: on track",
     milestone(tasks=(Task("a", D(2026, 11, 5)),)), D(2026, 12, 30), HealthState.ON_TRACK, "on-track"),
    ("15 days before due with half done: on track", milestone(), D(2026, 12, 16), HealthState.ON_TRACK, "on-track"),
    ("14 days before due with under half done: at risk",
     milestone(tasks=(Task("a", D(2026, 11, 5)), Task("b"), Task("c"))), D(2026, 12, 17), HealthState.AT_RISK,
     "due-soon"),
    ("time gone far ahead of work: at risk",
     milestone(tasks=(Task("a", D(2026, 11, 5)), Task("b"), Task("c"), Task("d"))), D(2026, 12, 5), HealthState.AT_RISK,
     "behind-schedule"),
]


@pytest.mark.parametrize(("name", "m", "today", "state", "rule"), CASES, ids=[c[0] for c in CASES])
def test_milestone_rules(name: str, m: Milestone, today: dt.date, state: str, rule: str) -> None:
    health = milestone_health(m, project(m), today)
    assert (health.state, health.rule) == (state, rule)


def test_overdue_request_to_the_client_puts_its_milestone_at_risk() -> None:
    m = milestone()
    wait = WaitingItem("Logo", asked=D(2026, 11, 1), needed_by=D(2026, 11, 20), milestone="m")
    assert milestone_health(m, project(m, waiting=(wait,)), D(2026, 11, 20)).state == HealthState.ON_TRACK
    assert milestone_health(m, project(m, waiting=(wait,)), D(2026, 11, 21)).rule == "waiting-on-client"
    delivered = WaitingItem("Logo", asked=D(2026, 11, 1), needed_by=D(2026, 11, 20), milestone="m",
                            done=D(2026, 11, 22))
    assert milestone_health(m, project(m, waiting=(delivered,)), D(2026, 11, 23)).state == HealthState.ON_TRACK


def test_project_shows_its_worst_open_milestone() -> None:
    late = milestone(id="late", due=D(2026, 11, 1), start=D(2026, 10, 1))
    fine = milestone(id="fine")
    done = milestone(id="done", done=D(2026, 10, 1))
    assert project_health(project(done, fine, late), D(2026, 11, 10)).state == HealthState.LATE
    assert project_health(project(done, fine), D(2026, 11, 10)).state == HealthState.ON_TRACK
    assert project_health(project(done), D(2026, 11, 10)).state == HealthState.DONE
    assert project_health(project(), D(2026, 11, 10)).state == HealthState.PLANNED


class CountedForecasts(Mapping[str, Forecast]):
    """Forecasts that count how often a rule read them (as health_timeline.py's lazy ones are
    made only when read)."""

    def __init__(self, forecasts: dict[str, Forecast]) -> None:
        self.forecasts = forecasts
        self.reads = 0

    def __getitem__(self, key: str) -> Forecast:
        self.reads += 1
        return self.forecasts[key]

    def __iter__(self) -> Iterator[str]:
        self.reads += 1
        return iter(self.forecasts)

    def __len__(self) -> int:
        return len(self.forecasts)


def test_a_late_milestone_decides_the_project_without_reading_a_forecast() -> None:
    today = D(2026, 11, 10)
    fine = milestone(id="fine")
    late = milestone(id="late", due=D(2026, 11, 1), start=D(2026, 10, 1))
    delayed = milestone(id="delayed", delay=Delay("Waiting for the bank.", "", D(2026, 12, 20)))
    against = {"fine": Forecast("fine", True, earliest=D(2027, 1, 5), latest=D(2027, 1, 20), chance=0.1)}
    for milestones, rule, decider in (
        ((fine, late, delayed), HealthRule.PAST_DUE, "late"),
        ((fine, delayed, late), HealthRule.DELAYED, "delayed"),
    ):
        counted = CountedForecasts(against)
        health = project_health(project(*milestones), today, Signals(forecasts=counted))
        assert (health.state, health.rule, health.milestone) == (HealthState.LATE, rule, decider)
        assert counted.reads == 0
    # Without a late milestone the forecasts are read, and decide.
    counted = CountedForecasts(against)
    health = project_health(project(fine), today, Signals(forecasts=counted))
    assert (health.rule, counted.reads > 0) == (HealthRule.FORECAST_LATER, True)


def test_a_project_override_is_never_rosier_than_a_forecast() -> None:
    today = D(2026, 11, 10)
    later = Signals(forecasts={"m": Forecast("m", True, earliest=D(2027, 1, 5), latest=D(2027, 1, 20), chance=0.1)})
    hopeful = dataclasses.replace(project(milestone()), health_override=HealthOverride("on_track", "All fine."))
    assert project_health(hopeful, today, later).rule == HealthRule.FORECAST_LATER
    assert project_health(hopeful, today).rule == HealthRule.OVERRIDE  # no forecast: the team's call
    careful = dataclasses.replace(hopeful, health_override=HealthOverride("at_risk", "The bank is slow."))
    assert project_health(careful, today, later).rule == HealthRule.OVERRIDE


def test_a_project_override_is_passed_over_whichever_milestone_carries_the_late_forecast() -> None:
    # The first milestone is at risk for another reason (due soon); the second's forecast is past
    # its promise. Whatever order they come in, "on track" is not said.
    today = D(2026, 12, 20)
    soon = milestone(id="a", tasks=(Task("a"), Task("b"), Task("c")))
    later_one = milestone(id="b", due=D(2027, 3, 31))
    forecasts = {"b": Forecast("b", True, earliest=D(2027, 4, 5), latest=D(2027, 4, 20), chance=0.1)}
    for order in ((soon, later_one), (later_one, soon)):
        hopeful = dataclasses.replace(project(*order), health_override=HealthOverride("on_track", "All fine."))
        health = project_health(hopeful, today, Signals(forecasts=forecasts))
        assert health.state == HealthState.AT_RISK and health.rule != HealthRule.OVERRIDE, order


def test_progress_and_next_milestone() -> None:
    a = milestone(id="a", done=D(2026, 11, 2), tasks=(Task("x"), Task("y")))  # done: counts fully
    b = milestone(id="b", due=D(2027, 1, 5), tasks=(Task("x", D(2026, 11, 3)), Task("y")))
    c = milestone(id="c", due=D(2026, 12, 5), delay=Delay("r", "p", D(2027, 2, 1)), tasks=())
    assert project_progress(project(a, b)) == pytest.approx(3 / 4)
    # The delayed one is promised for February now: "next" follows the current promise.
    assert next_milestone(project(a, b, c)).id == "b"


def test_the_schema_allows_exactly_the_states_an_override_may_set() -> None:
    import json

    from milepost.load.schema_messages import SCHEMA_DIR
    from milepost.status.health import OVERRIDE_STATES

    schema = json.loads((SCHEMA_DIR / "project.schema.json").read_text(encoding="utf-8"))
    override = schema["$defs"]["health_override"]["properties"]["state"]
    assert tuple(override["enum"]) == OVERRIDE_STATES


def test_the_templates_name_only_health_states_that_exist() -> None:
    """Templates cannot import the enum: the states they compare with (`row.state == "late"`,
    the timeline legend's list) must still be `HealthState` values after a rename."""
    templates = Path(milepost.__file__).parent / "render" / "templates"
    named: set[str] = set()
    for path in templates.rglob("*.j2"):
        text = path.read_text(encoding="utf-8")
        named.update(re.findall(r'\.state\s*[!=]=\s*"([^"]+)"', text))
        for group in re.findall(r'item\.kind in \(([^)]*)\)', text):  # the legend's bars
            named.update(re.findall(r'"([^"]+)"', group))
    assert {"late", "at_risk", "done"} <= named  # the patterns still find them
    assert named <= {state.value for state in HealthState}
