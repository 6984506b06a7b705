"""What is measured about a project beyond its YAML, gathered once for all its pages.

The promise ledger, the forecasts, the burn-up, the signals the health rules use, the budget
against the work and the kept promises, computed
from plain data (the file's history, the shown work, today) so that the home page, the
project page and status.json all judge a project the same way.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from milepost.history.project_files import ProjectFileVersions
from milepost.load.settings import DEFAULT_INACTIVE_DAYS
from milepost.model import Project, WorkKind, WorkNote
from milepost.status.budget import BudgetPace, budget_pace
from milepost.status.burnup import BurnUp, burn_up
from milepost.status.calibration import Calibration, project_calibration
from milepost.status.finish import Finish, project_finish
from milepost.status.forecast import NO_REFERENCE, Forecast, ReferenceClass, project_forecasts
from milepost.status.forecast_cache import ReplayedForecasts, cached_forecasts
from milepost.status.health import Signals, project_health
from milepost.status.health_timeline import HealthWeek, health_weeks
from milepost.status.kept_promises import KeptPromises, project_kept_promises
from milepost.status.ledger import UNAVAILABLE, ProjectLedger, project_ledger
from milepost.time_zone import client_zone


@dataclass(frozen=True)
class ProjectOutlook:
    ledger: ProjectLedger = UNAVAILABLE
    forecasts: Mapping[str, Forecast] = field(default_factory=dict)
    burnup: BurnUp | None = None
    signals: Signals = field(default_factory=Signals)
    budget: BudgetPace | None = None  # hours against work, with the raises from the history
    kept_promises: KeptPromises | None = None  # None: not measured
    finish: Finish | None = None  # the project's end with its odds; None: no milestones
    calibration: Calibration | None = None  # the replayed forecasts (calibration.py); None: not measured
    health_weeks: tuple[HealthWeek, ...] = ()  # the state week by week (health_timeline.py)


def last_shown_work(project: Project, work: Sequence[WorkNote], today: dt.date) -> dt.date | None:
    """The latest day the client could see work: a listed or counted change, or a task done."""
    days = [c.date for c in work if c.kind != WorkKind.HIDDEN]
    for m in project.milestones:
        days.extend(task.done for task in m.tasks if task.done is not None)
        if m.done is not None:
            days.append(m.done)
    return max((day for day in days if day <= today), default=None)


def project_outlook(
    project: Project,
    versions: ProjectFileVersions | None,
    work: Sequence[WorkNote],
    today: dt.date,
    *,
    timezone: str = "UTC",
    inactive_days: int = DEFAULT_INACTIVE_DAYS,
    reference: ReferenceClass = NO_REFERENCE,
    cache_dir: Path | None = None,
    replays: bool = True,
) -> ProjectOutlook:
    """`reference` is the agency's reference class of finished milestones (forecast.py's
    `reference_class`), for the forecasts of a project with too little history of its own;
    `cache_dir` keeps the simulated forecasts, today's and the replays' (forecast_cache.py).
    `replays`: whether to replay the past (the calibration record and the health strip, which
    only the pages and status.json show; a letter leaves them out)."""
    tz = client_zone(timezone)
    ledger = project_ledger(versions, tz, today)
    forecasts = project_forecasts(
        project, today, versions=versions, timezone=tz, ledger=ledger, reference=reference,
        keep=functools.partial(cached_forecasts, cache_dir, project.client, project.slug),
    )
    signals = Signals(
        forecasts=forecasts,
        last_work=last_shown_work(project, work, today),
        inactive_days=inactive_days,
    )
    # The replays' forecasts, kept apart from today's: their days are in the past.
    kept = ReplayedForecasts(cache_dir, project.client, project.slug) if cache_dir is not None and replays else None
    outlook = ProjectOutlook(
        ledger=ledger,
        forecasts=forecasts,
        burnup=burn_up(project, versions, tz, today),
        signals=signals,
        budget=budget_pace(project, versions, tz, today),
        kept_promises=project_kept_promises(project, ledger, today),
        finish=project_finish(project, forecasts),
        calibration=project_calibration(project, versions, tz, today, keep=kept) if replays else None,
        health_weeks=health_weeks(
            project,
            versions,
            work,
            tz,
            today,
            now=project_health(project, today, signals),
            inactive_days=inactive_days,
            keep=kept,
        )
        if replays
        else (),
    )
    if kept is not None:
        kept.save()
    return outlook
