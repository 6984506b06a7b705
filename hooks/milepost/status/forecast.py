"""When an open milestone will really be finished, at the pace the team has kept lately.

Pure and deliberately simple, so that docs/health.md can say exactly what it does:

- The pace is the number of the project's tasks done per day, measured over two windows that
  end today: the last SHORT_WINDOW_DAYS and the last LONG_WINDOW_DAYS (each shortened to the
  time since work on the project began). A task counts on its `done:` date; the tasks of a
  finished milestone that carry no date count on the milestone's `done:` date.
- The work left before a milestone is finished is its open tasks plus the open tasks of every
  other open milestone promised no later than it: the team works through its promises in
  order. Milestones without tasks have no measurable size and are left out.
- The optimistic end divides the work left by the faster pace of the two windows, the
  pessimistic end by the slower one, and is at least MIN_SPREAD further out than the
  optimistic end: tasks are not all the same size. With no task done in the short window, the
  pessimistic end is open ("not before ...").
- No forecast without enough data: fewer than MIN_DONE tasks done in the long window, or work
  began less than MIN_SPAN_DAYS ago. Nor for a finished milestone, one without tasks, or one
  whose tasks are all done (it only needs to be marked done).

A forecast is never a promise: pages show it next to the promise, and only when it is later.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from milepost.model import Milestone, Project

SHORT_WINDOW_DAYS = 28
LONG_WINDOW_DAYS = 56
MIN_DONE = 3
MIN_SPAN_DAYS = 14
MIN_SPREAD = 0.25
# A forecast a century away says "not in any plan" as well as a later one, and stays far from
# the calendar's end (9999-12-31) whatever the number of tasks left.
MAX_FORECAST_DAYS = 36_525

# Why there is no forecast (status.json: `forecast.reason`).
NO_FORECAST_DONE = "done"
NO_FORECAST_NO_TASKS = "no-tasks"
NO_FORECAST_ALL_TASKS_DONE = "all-tasks-done"
NO_FORECAST_NOT_ENOUGH_DATA = "not-enough-data"


@dataclass(frozen=True)
class Pace:
    """Tasks done in a window that ends today, and the days the window really covers."""

    done: int
    days: int

    @property
    def per_day(self) -> float:
        return self.done / self.days if self.days > 0 else 0.0

    @property
    def per_week(self) -> float:
        return self.per_day * 7


@dataclass(frozen=True)
class Forecast:
    milestone: str  # milestone id
    available: bool
    reason: str = ""  # why there is no forecast (one of the NO_FORECAST_* values)
    earliest: dt.date | None = None  # the optimistic end
    latest: dt.date | None = None  # the pessimistic end; None with `earliest`: "not before"
    remaining: int = 0  # tasks left, this milestone's and those promised before it
    recent: Pace | None = None  # the short window
    longer: Pace | None = None  # the long window

    def later_than(self, day: dt.date) -> bool:
        """Whether any part of the forecast range falls after `day` (then pages show it)."""
        if not self.available or self.earliest is None:
            return False
        return self.latest is None or self.latest > day


def done_days(project: Project, today: dt.date) -> list[dt.date]:
    """The day each done task of the project was done (up to today), oldest first."""
    days: list[dt.date] = []
    for m in project.milestones:
        for task in m.tasks:
            day = task.done or m.done
            if day is not None and day <= today:
                days.append(day)
    return sorted(days)


def work_began(project: Project, today: dt.date) -> dt.date | None:
    """The first day of work on the project: the earliest `start` or task done, if any."""
    days = [m.start for m in project.milestones if m.start is not None and m.start <= today]
    days.extend(done_days(project, today)[:1])
    return min(days, default=None)


def pace(days_done: list[dt.date], today: dt.date, window: int, began: dt.date) -> Pace:
    """Tasks done in the `window` days up to and including today, counted from `began` at
    the earliest."""
    span = min(window, (today - began).days)
    if span <= 0:
        return Pace(0, 0)
    first = today - dt.timedelta(days=span)
    return Pace(sum(1 for day in days_done if first < day <= today), span)


def milestone_forecast(milestone: Milestone, project: Project, today: dt.date) -> Forecast:
    """The forecast of one milestone of `project` (see the module docstring)."""
    ident = milestone.id
    if milestone.done is not None:
        return Forecast(ident, False, NO_FORECAST_DONE)
    if not milestone.tasks:
        return Forecast(ident, False, NO_FORECAST_NO_TASKS)
    if milestone.tasks_done == len(milestone.tasks):
        return Forecast(ident, False, NO_FORECAST_ALL_TASKS_DONE)
    remaining = sum(
        len(m.tasks) - m.tasks_done
        for m in project.milestones
        if m.done is None and m.tasks and m.current_due <= milestone.current_due
    )
    began = work_began(project, today)
    if began is None:
        return Forecast(ident, False, NO_FORECAST_NOT_ENOUGH_DATA, remaining=remaining)
    days_done = done_days(project, today)
    recent = pace(days_done, today, SHORT_WINDOW_DAYS, began)
    longer = pace(days_done, today, LONG_WINDOW_DAYS, began)
    if longer.done < MIN_DONE or longer.days < MIN_SPAN_DAYS:
        return Forecast(
            ident, False, NO_FORECAST_NOT_ENOUGH_DATA, remaining=remaining, recent=recent, longer=longer
        )
    fast = max(recent.per_day, longer.per_day)
    slow = min(recent.per_day, longer.per_day)
    optimistic = remaining / fast
    earliest = today + dt.timedelta(days=min(math.ceil(optimistic), MAX_FORECAST_DAYS))
    latest = None
    if slow > 0:
        pessimistic = max(remaining / slow, optimistic * (1 + MIN_SPREAD))
        latest = today + dt.timedelta(days=min(math.ceil(pessimistic), MAX_FORECAST_DAYS))
    return Forecast(
        ident, True, earliest=earliest, latest=latest, remaining=remaining, recent=recent, longer=longer
    )


def project_forecasts(project: Project, today: dt.date) -> dict[str, Forecast]:
    """A forecast (or the reason there is none) for every milestone, by id."""
    return {m.id: milestone_forecast(m, project, today) for m in project.milestones}
