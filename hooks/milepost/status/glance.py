"""The facts at the top of a project page and on its card at home: state, parts done, what
comes next and how fresh the news is."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.model import Milestone, Project
from milepost.status.finish import Finish, project_finish
from milepost.status.headline import Headline, project_headline, update_overdue
from milepost.status.health import Health, Signals, next_milestone, project_health, project_progress
from milepost.status.outlook import ProjectOutlook


@dataclass(frozen=True)
class Glance:
    health: Health
    signals: Signals | None  # None: nothing was measured (no outlook)
    parts_done: int  # tasks done, a finished milestone counting all of its tasks
    parts_total: int
    progress: float  # 0..1, as the progress bar shows it
    upcoming: Milestone | None  # the next milestone not finished yet
    last_work: dt.date | None  # the latest shown work, when measured
    headline: Headline  # the promise, a later forecast and why at risk or late
    update_overdue: int  # days the promised next update is past (0: not past)
    finish: Finish | None = None  # the project's end, its promise and odds (None: no milestones)


def project_glance(project: Project, today: dt.date, outlook: ProjectOutlook | None = None) -> Glance:
    signals = outlook.signals if outlook else None
    return Glance(
        health=project_health(project, today, signals),
        signals=signals,
        parts_done=sum(len(m.tasks) if m.done else m.tasks_done for m in project.milestones),
        parts_total=sum(len(m.tasks) for m in project.milestones),
        progress=project_progress(project),
        upcoming=next_milestone(project),
        last_work=signals.last_work if signals is not None else None,
        headline=project_headline(project, today, signals),
        update_overdue=update_overdue(project, today),
        finish=outlook.finish if outlook is not None else project_finish(project, {}),
    )
