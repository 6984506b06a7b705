"""A project as it stood on a past day, rebuilt from its file's committed versions.

The calibration record (calibration.py) and the health strip (health_timeline.py) judge the
past with the rules of today, so they need the project as the team had written it then:

- the milestones, their promises (`due`, a `delay`'s date), their task counts and whether they
  were marked done come from the last version of the project file committed by the end of
  that day (history/project_files.py); a version that did not parse is passed over;
- the days tasks were done come from the file as it is now (a committed version keeps only
  how many tasks a milestone had): of a milestone's tasks, those done by that day, at most as
  many as that version listed, in the order they were done;
- a milestone's `start` and the things asked of the client come from the file as it is now
  (a request counts from its `asked` day, delivered from its `done` day); the team's
  `health_override` is not replayed (its reason was written for the day it was written);
- the history is cut at that day, so the scope a forecast draws its growth from is the one
  known then (`PastProject.scopes`: burnup.py's `scope_changes` of the versions committed by
  then).

Without the file's committed history (no git, a shallow clone) nothing can be replayed. Pure:
plain data in, plain data out.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import functools
from collections.abc import Mapping, Sequence

from milepost.history.project_files import ProjectFileVersion, ProjectFileVersions
from milepost.model import Delay, Milestone, Project, Task
from milepost.status.burnup import merged_scopes

# How a replayed task is named: a replay shows no task, it only counts them.
_REPLAYED_TASK = ""


@dataclasses.dataclass(frozen=True)
class PastProject:
    """The project as it stood at the end of `day`, and the scope its file's history knew then."""

    day: dt.date
    project: Project
    scopes: tuple[tuple[dt.date, int], ...]  # burnup.py's `scope_changes` of the versions by then


def committed_versions(
    versions: ProjectFileVersions | None, timezone: dt.tzinfo
) -> tuple[tuple[dt.date, ProjectFileVersion], ...]:
    """(day it landed, version) of every committed, readable version, oldest first; nothing
    without the file's real history."""
    if versions is None or not versions.available:
        return ()
    return tuple(
        (version.committed.astimezone(timezone).date(), version)
        for version in versions.oldest_first
        if version.committed is not None and version.readable
    )


def project_on(
    project: Project,
    committed: tuple[tuple[dt.date, ProjectFileVersion], ...],
    day: dt.date,
    done_days: Mapping[str, Sequence[dt.date]] | None = None,
) -> PastProject | None:
    """The project at the end of `day` (see the docstring), or None when its file had no
    committed version yet. `committed` is `committed_versions(versions, ...)`; `done_days`,
    `done_days_of(project)` when the project is replayed on many days."""
    known = [(landed, version) for landed, version in committed if landed <= day]
    if not known:
        return None
    version = known[-1][1]
    current = {m.id: m for m in project.milestones}
    done_by_id = done_days if done_days is not None else done_days_of(project)
    milestones = []
    for plan in version.milestones:
        if plan.due is None:
            continue
        now = current.get(plan.id)
        days = done_by_id.get(plan.id, ())
        done = min(bisect.bisect_right(days, day), plan.tasks)
        tasks = tuple(_replayed_task(when) for when in days[:done]) + (_NOT_DONE,) * (plan.tasks - done)
        delay = Delay(plan.delay_reason, "", plan.delay_due) if plan.delay_due is not None else None
        milestones.append(
            Milestone(
                id=plan.id,
                title=plan.title,
                due=plan.due,
                done=plan.done if plan.done is not None and plan.done <= day else None,
                start=now.start if now is not None else None,
                tasks=tasks,
                delay=delay,
            )
        )
    waiting = tuple(
        item if item.done is None or item.done <= day else dataclasses.replace(item, done=None)
        for item in project.waiting_on_client
        if item.asked <= day
    )
    past = dataclasses.replace(
        project, milestones=tuple(milestones), waiting_on_client=waiting, health_override=None
    )
    return PastProject(day, past, tuple(merged_scopes(((landed, v.scope) for landed, v in known), day)))


def done_days_of(project: Project) -> dict[str, list[dt.date]]:
    """The days each milestone's tasks were done, earliest first (a finished milestone's tasks
    without a day count from the milestone's), by milestone id: a replay takes those up to its day."""
    days = {}
    for milestone in project.milestones:
        found = (task.done or milestone.done for task in milestone.tasks)
        days[milestone.id] = sorted(d for d in found if d is not None)
    return days


# A replay shows no task, it only counts them: equal tasks are one object (a strip rebuilds
# a project's tasks for every week).
_NOT_DONE = Task(_REPLAYED_TASK)


@functools.lru_cache(maxsize=4096)
def _replayed_task(done: dt.date) -> Task:
    return Task(_REPLAYED_TASK, done)
