"""Burn-up data: scope from the project file's history, done work from the task dates."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from milepost.history.project_files import (
    COMPLETE,
    NO_HISTORY,
    MilestoneSnapshot,
    ProjectFileVersion,
    ProjectFileVersions,
)
from milepost.model import Client, Milestone, Project, Task
from milepost.publish.status_json import project_status
from milepost.status.burnup import BurnUpPoint, burn_up
from milepost.status.outlook import project_outlook

D = dt.date
UTC = dt.UTC
TODAY = D(2026, 11, 24)


def version(when: str, *plans: MilestoneSnapshot, readable: bool = True) -> ProjectFileVersion:
    return ProjectFileVersion("a" * 40, dt.datetime.fromisoformat(when), "projects/c/p.yml", plans, readable)


SHOP = Project(
    slug="p",
    client="c",
    name="P",
    milestones=(
        Milestone("a", "A", due=D(2026, 10, 15), done=D(2026, 10, 13),
                  tasks=(Task("x", D(2026, 9, 25)), Task("y"))),  # y has no date: counts on 13 Oct
        Milestone("b", "B", due=D(2026, 12, 12), tasks=(Task("x", D(2026, 11, 10)), Task("y"), Task("z"))),
        Milestone("c", "C", due=D(2027, 1, 15)),  # no tasks: counts as one
    ),
)
B2 = MilestoneSnapshot("b", due=D(2026, 12, 12), tasks=2)
B3 = MilestoneSnapshot("b", due=D(2026, 12, 12), tasks=3)
HISTORY = ProjectFileVersions(
    COMPLETE,
    (
        version("2026-09-03T10:00:00+02:00", MilestoneSnapshot("a", tasks=2), B2, MilestoneSnapshot("c")),
        version("2026-09-03T15:00:00+02:00", MilestoneSnapshot("a", tasks=2), B2),
        version("2026-10-01T10:00:00+02:00", readable=False),  # a broken version is skipped
        version("2026-11-02T09:00:00+01:00", MilestoneSnapshot("a", tasks=2), B3, MilestoneSnapshot("c")),
    ),
)


def test_scope_follows_the_history_and_done_the_task_dates() -> None:
    result = burn_up(SHOP, HISTORY, ZoneInfo("Europe/Warsaw"), TODAY)
    assert result.scope_from_history
    assert result.points == (
        # The day's last version counts: milestone c was dropped that afternoon (scope 4).
        BurnUpPoint(D(2026, 9, 3), 4, 0),
        BurnUpPoint(D(2026, 9, 25), 4, 1),
        BurnUpPoint(D(2026, 10, 13), 4, 2),
        BurnUpPoint(D(2026, 11, 2), 6, 2),  # a task added, milestone c back
        BurnUpPoint(D(2026, 11, 10), 6, 3),
        BurnUpPoint(TODAY, 6, 3),
    )


def test_without_history_the_scope_is_todays_throughout() -> None:
    result = burn_up(SHOP, ProjectFileVersions(NO_HISTORY, ()), UTC, TODAY)
    assert not result.scope_from_history
    assert [(p.day, p.scope, p.done) for p in result.points] == [
        (D(2026, 9, 25), 6, 1),
        (D(2026, 10, 13), 6, 2),
        (D(2026, 11, 10), 6, 3),
        (TODAY, 6, 3),
    ]


def test_status_json_carries_ledger_forecast_burnup_and_says_when_there_is_none() -> None:
    client = Client(slug="c", name="C", timezone="Europe/Warsaw")
    outlook = project_outlook(SHOP, HISTORY, (), TODAY, timezone=client.timezone)
    status = project_status(client, SHOP, (), TODAY, outlook)
    assert status["ledger"] == {"available": True, "reason": None}
    assert status["burnup"]["scope_from_history"] is True
    assert status["burnup"]["points"][-1] == {"date": "2026-11-24", "scope": 6, "done": 3}
    assert status["last_work"] == "2026-11-10"
    b = next(m for m in status["milestones"] if m["id"] == "b")
    assert b["ledger"] == {"first_promise": "2026-12-12", "promised_on": "2026-09-03", "changes": []}
    # Three tasks done in the nine weeks since the first (25 September): a simulated forecast,
    # its chance as a number.
    forecast = b["forecast"]
    assert sorted(forecast) == [
        "available", "chance", "earliest", "growth_per_week", "later_than_promise", "latest", "method",
        "pace_per_week", "references", "remaining_tasks", "weeks",
    ]
    assert (forecast["method"], forecast["weeks"], forecast["remaining_tasks"], forecast["references"]) == (
        "simulation", 9, 2, None
    )
    assert 0 <= forecast["chance"] < 0.85 and forecast["later_than_promise"] is True
    assert "2026-12-12" < forecast["earliest"] < forecast["latest"]
    assert {m["id"]: m["forecast"] for m in status["milestones"]}["c"] == {"available": False, "reason": "no-tasks"}
    # Without measurements: no ledger, and the forecast says why.
    bare = project_status(client, SHOP, (), TODAY)
    assert bare["ledger"] == {"available": False, "reason": "not-measured"}
    assert bare["burnup"] is None
    assert {m["forecast"]["reason"] for m in bare["milestones"]} == {"not-measured"}
    assert {m["ledger"] for m in bare["milestones"]} == {None}
