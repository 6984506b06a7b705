"""Health of milestones and projects: one place, rules in order, the first that applies wins.

The rules (also explained for the agency in docs/health.md):

Milestone
1. done      - `done:` is set.
2. late      - today is after the date promised now (`delay.due`, else `due`), or the
               milestone carries a `delay` (the first promise was broken; the client sees the
               reason, the plan and the new date).
3. at risk   - something the client was asked for and this milestone needs is past its
               `needed_by` date; or the milestone is due within AT_RISK_WINDOW_DAYS and less
               than AT_RISK_MIN_PROGRESS of its tasks are done; or the share of tasks done
               trails the share of time elapsed (from `start` to the promise) by more than
               AT_RISK_LAG.
4. planned   - work has not started: `start` is in the future, or no task is done and no
               start date says work began.
5. on track  - everything else.

Project: done when every milestone is done; otherwise the worst state of its open milestones
(late > at risk > on track > planned).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .model import Milestone, Project

DONE = "done"
LATE = "late"
AT_RISK = "at_risk"
ON_TRACK = "on_track"
PLANNED = "planned"

# Worst first: a project shows the worst state among its open milestones.
SEVERITY = (LATE, AT_RISK, ON_TRACK, PLANNED, DONE)

AT_RISK_WINDOW_DAYS = 14
AT_RISK_MIN_PROGRESS = 0.5
AT_RISK_LAG = 0.25


@dataclass(frozen=True)
class Health:
    state: str  # one of DONE, LATE, AT_RISK, ON_TRACK, PLANNED
    rule: str  # short machine-readable reason, e.g. "past-due", shown in status.json


def milestone_health(milestone: Milestone, project: Project, today: dt.date) -> Health:
    if milestone.done:
        return Health(DONE, "done")
    if today > milestone.current_due:
        return Health(LATE, "past-due")
    if milestone.delay is not None:
        return Health(LATE, "delayed")
    for item in project.waiting_on_client:
        if (
            item.milestone == milestone.id
            and not item.done
            and item.needed_by is not None
            and today > item.needed_by
        ):
            return Health(AT_RISK, "waiting-on-client")
    days_left = (milestone.current_due - today).days
    if milestone.tasks and days_left <= AT_RISK_WINDOW_DAYS and milestone.progress < AT_RISK_MIN_PROGRESS:
        return Health(AT_RISK, "due-soon")
    elapsed = time_elapsed(milestone, today)
    if milestone.tasks and elapsed is not None and elapsed - milestone.progress > AT_RISK_LAG:
        return Health(AT_RISK, "behind-schedule")
    if milestone.start is not None and milestone.start > today:
        return Health(PLANNED, "not-started")
    if milestone.start is None and milestone.tasks_done == 0:
        return Health(PLANNED, "not-started")
    return Health(ON_TRACK, "on-track")


def time_elapsed(milestone: Milestone, today: dt.date) -> float | None:
    """Share of the time from `start` to the current promise that has passed (None: no start)."""
    if milestone.start is None:
        return None
    total = (milestone.current_due - milestone.start).days
    if total <= 0:
        return 1.0
    return min(max((today - milestone.start).days / total, 0.0), 1.0)


def project_health(project: Project, today: dt.date) -> Health:
    if not project.milestones:
        return Health(PLANNED, "no-milestones")
    states = [milestone_health(m, project, today) for m in project.milestones]
    open_states = [h for h in states if h.state != DONE]
    if not open_states:
        return Health(DONE, "all-done")
    return min(open_states, key=lambda h: SEVERITY.index(h.state))


def project_progress(project: Project) -> float:
    """Share of all tasks done across milestones (a done milestone counts all its tasks)."""
    total = sum(max(len(m.tasks), 1) for m in project.milestones)
    if total == 0:
        return 0.0
    done = sum(max(len(m.tasks), 1) * m.progress for m in project.milestones)
    return done / total


def next_milestone(project: Project) -> Milestone | None:
    """The open milestone promised soonest."""
    open_ones = [m for m in project.milestones if not m.done]
    return min(open_ones, key=lambda m: m.current_due, default=None)
