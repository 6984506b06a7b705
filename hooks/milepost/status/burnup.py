"""Burn-up data: a project's scope and its done work over time (drawn by render/charts.py).

Pure. Scope is counted as the project page counts progress: the tasks of every milestone, a
milestone without tasks counting as one. It comes from the versions of the project file
(history/project_files.py), so tasks added or dropped show as the scope line moving. Done work comes
from the newest version: each task on its `done:` date (the tasks of a finished milestone
without a date, and a finished milestone without tasks, on the milestone's `done:` date).

Points are listed for the first day, every day the scope or the done count changed, and today.
Before the first version in the history, the first version's scope is used. Without a history,
the scope is the current one throughout (`scope_from_history` is false).

A step of the scope (`scope_steps`) is named after the change requests behind it: those
accepted or done whose `date` is the day of the step. Only that: a change request with no
date, or dated another day, names no step, and a step no change request explains is shown
without one.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

from milepost.history.project_files import ProjectFileVersions
from milepost.model import ChangeRequest, ChangeStatus, Project

# The change requests that can be behind a step of the scope: those the client agreed to.
AGREED_CHANGES = (ChangeStatus.ACCEPTED, ChangeStatus.DONE)


@dataclass(frozen=True)
class BurnUpPoint:
    day: dt.date
    scope: int  # tasks planned that day
    done: int  # tasks done by the end of that day


@dataclass(frozen=True)
class BurnUp:
    scope_from_history: bool
    points: tuple[BurnUpPoint, ...]


@dataclass(frozen=True)
class ScopeStep:
    day: dt.date
    before: int  # tasks planned the day before
    after: int  # tasks planned from that day on
    changes: tuple[str, ...] = ()  # ids of the change requests behind it (see the docstring)


def current_scope(project: Project) -> int:
    return sum(max(len(m.tasks), 1) for m in project.milestones)


def done_events(project: Project, today: dt.date) -> list[dt.date]:
    """One day per unit of done work, as the progress figures count it."""
    days: list[dt.date] = []
    for m in project.milestones:
        if m.done is not None:
            days.extend((task.done or m.done) for task in m.tasks)
            if not m.tasks:
                days.append(m.done)
        else:
            days.extend(task.done for task in m.tasks if task.done is not None)
    return sorted(day for day in days if day <= today)


def scope_changes(
    versions: ProjectFileVersions | None, timezone: dt.tzinfo, today: dt.date
) -> list[tuple[dt.date, int]]:
    """(day, scope) for each version that changed the scope, oldest first."""
    if versions is None or not versions.available:
        return []
    return merged_scopes(
        ((version.day(timezone, today), version.scope) for version in versions.oldest_first if version.readable),
        today,
    )


def merged_scopes(landed: Iterable[tuple[dt.date, int]], today: dt.date) -> list[tuple[dt.date, int]]:
    """`scope_changes` from each readable version's day and scope, in the order they were
    committed (the replays have them already: status/replay.py)."""
    steps: list[tuple[dt.date, int]] = []
    for day, scope in landed:
        if steps and steps[-1][0] == day:
            steps[-1] = (day, scope)  # the day's last version counts
        elif not steps or steps[-1][1] != scope:
            steps.append((day, scope))
    return [(day, scope) for day, scope in steps if day <= today]


def burn_up(project: Project, versions: ProjectFileVersions | None, timezone: dt.tzinfo, today: dt.date) -> BurnUp:
    done_days = done_events(project, today)
    scopes = scope_changes(versions, timezone, today)
    from_history = bool(scopes)
    if not scopes:
        scopes = [(min(done_days, default=today), current_scope(project))]
    days = sorted({day for day, _ in scopes} | set(done_days) | {today})
    points: list[BurnUpPoint] = []
    scope_index = 0
    done_count = 0
    for day in days:
        while scope_index + 1 < len(scopes) and scopes[scope_index + 1][0] <= day:
            scope_index += 1
        while done_count < len(done_days) and done_days[done_count] <= day:
            done_count += 1
        point = BurnUpPoint(day, scopes[scope_index][1], done_count)
        if points and (points[-1].scope, points[-1].done) == (point.scope, point.done) and day != today:
            continue
        points.append(point)
    return BurnUp(from_history, tuple(points))


def scope_steps(burnup: BurnUp, changes: tuple[ChangeRequest, ...] = ()) -> tuple[ScopeStep, ...]:
    """Every day the scope changed, with the change requests named behind it, oldest first."""
    steps = []
    for previous, point in itertools.pairwise(burnup.points):
        if point.scope != previous.scope:
            behind = tuple(
                change.id for change in changes if change.status in AGREED_CHANGES and change.date == point.day
            )
            steps.append(ScopeStep(point.day, previous.scope, point.scope, behind))
    return tuple(steps)
