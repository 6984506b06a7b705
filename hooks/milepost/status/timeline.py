"""The facts a project's timeline is drawn from: for each milestone, when work on it runs and
what was promised, as plain dates (the picture is render/charts.py's).

Pure. One row per milestone, in the order the project page lists them (finished or promised
first):

- it starts on its `start:`, or on the project's first day when it has none (`first_day`:
  the earliest `start:`, day a promise was first made in the ledger, or task done; today
  when there is none of these);
- it runs to its current promise (`delay.due`, else `due`), or to its `done:` date once done;
- `first_promise` is the date first promised when the promise moved since: from the promise
  ledger (`MilestoneLedger.first_promise`) when there is one, else `due` (which keeps the
  first promise, see ledger.py); None when it never moved;
- `forecast` is the forecast's range (forecast.py) when some of it is later than the promise
  and the milestone is not done: (earliest, latest), latest None for "not before earliest".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.model import Milestone, Project
from milepost.status.burnup import done_events
from milepost.status.forecast import ForecastMethod
from milepost.status.outlook import ProjectOutlook


@dataclass(frozen=True)
class TimelineRow:
    milestone: str  # milestone id
    start: dt.date
    start_given: bool  # from the milestone's `start:` (not the project's first day)
    promise: dt.date  # the date promised now
    first_promise: dt.date | None  # the first promise, only when it moved since
    done: dt.date | None
    forecast: tuple[dt.date, dt.date | None] | None  # only when later than the promise
    # The forecast is the agency's record, not the project's own pace (forecast.py's
    # reference class: a young project).
    forecast_by_record: bool = False

    @property
    def end(self) -> dt.date:
        """Where the row's bar ends: the day it was finished, else the promise."""
        return self.done or self.promise

    @property
    def days(self) -> tuple[dt.date, ...]:
        """Every day the row marks (for the time axis)."""
        found = [self.start, self.promise, self.end]
        if self.first_promise is not None:
            found.append(self.first_promise)
        if self.forecast is not None:
            found.extend(day for day in self.forecast if day is not None)
        return tuple(found)


def ordered_milestones(project: Project) -> tuple[Milestone, ...]:
    """The milestones as the project page lists them: by the day finished or promised."""
    return tuple(sorted(project.milestones, key=lambda m: (m.done or m.current_due, m.id)))


def first_day(project: Project, outlook: ProjectOutlook | None, today: dt.date) -> dt.date:
    """The project's first day: the earliest `start:`, first promise made or task done."""
    days = [m.start for m in project.milestones if m.start is not None]
    if outlook is not None and outlook.ledger.available:
        days.extend(ledger.promised_on for ledger in outlook.ledger.milestones.values())
    days.extend(done_events(project, today)[:1])
    return min(days, default=today)


def timeline_row(m: Milestone, begins: dt.date, outlook: ProjectOutlook | None) -> TimelineRow:
    promise = m.current_due
    ledger = outlook.ledger.of(m.id) if outlook is not None else None
    first = ledger.first_promise if ledger is not None else m.due
    forecast = outlook.forecasts.get(m.id) if outlook is not None else None
    span = None
    if m.done is None and forecast is not None and forecast.later_than(promise) and forecast.earliest is not None:
        span = (forecast.earliest, forecast.latest)
    start = m.start or begins
    return TimelineRow(
        milestone=m.id,
        # A start after the end is a slip of the pen: the bar is then one day long.
        start=min(start, m.done or promise),
        start_given=m.start is not None,
        promise=promise,
        first_promise=first if first != promise else None,
        done=m.done,
        forecast=span,
        forecast_by_record=span is not None and forecast is not None
        and forecast.method == ForecastMethod.REFERENCE_CLASS,
    )


def timeline_rows(project: Project, outlook: ProjectOutlook | None, today: dt.date) -> tuple[TimelineRow, ...]:
    begins = first_day(project, outlook, today)
    return tuple(timeline_row(m, begins, outlook) for m in ordered_milestones(project))
