"""The budget against the work: whether the hours are being used faster than the work gets done,
and what that means at this pace; and whether (and when) the agreed hours were raised.

Pure. Figures, as the page shows them, in whole percents:

- `used_percent`  = hours used / hours agreed now (the newest `budget`);
- `done_percent`  = parts done / parts planned, counted as the progress bar counts them (the
  tasks of every milestone, a finished milestone counting all of its tasks);
- `ahead`: the hours run ahead of the work when `used_percent` exceeds `done_percent` by more
  than AHEAD_MARGIN_POINTS (a few points either way are only the lumpiness of tasks);
- `covers_percent`: at this pace, how much of the plan the agreed hours pay for. So far
  `used` hours bought `done` of the work, so all `hours` buy done * hours / used of it:

      covers_percent = round(100 * done_percent / used_percent)

  computed from the two whole percents the page shows next to it, so a reader can check it
  ("78% of the hours for 44% of the parts: about 56% of the plan"). Only when `ahead`.
- `raises`: every day the agreed hours went up, from the project file's history (its
  versions' `budget`): first and new hours. A change on the day the budget first appears is
  a correction, not a raise (as with promised dates, status/ledger.py); several changes on
  one day are one. A budget that was lowered is not a raise and is not listed. The share is
  always against the hours agreed now, and the page says when they were raised, so a raise
  cannot quietly make the share look better.

No budget, no hours agreed, or no tasks planned: no comparison (None, or `done_percent` None).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from milepost.history.project_files import ProjectFileVersions
from milepost.model import Project

AHEAD_MARGIN_POINTS = 10


@dataclass(frozen=True)
class BudgetRaise:
    day: dt.date
    old: float  # hours agreed before
    new: float  # hours agreed from that day


@dataclass(frozen=True)
class BudgetPace:
    hours: float
    used: float
    used_percent: int
    done_percent: int | None  # None: no tasks planned, nothing to compare with
    ahead: bool
    covers_percent: int | None  # only when `ahead`
    raises: tuple[BudgetRaise, ...] = ()

    @property
    def first_hours(self) -> float:
        """The hours first agreed (the hours now when they were never raised)."""
        return self.raises[0].old if self.raises else self.hours


def _percent(part: float, whole: float) -> int:
    return round(100 * part / whole) if whole else 0


def parts(project: Project) -> tuple[int, int]:
    """(parts done, parts planned), as the progress bar counts them."""
    done = sum(len(m.tasks) if m.done else m.tasks_done for m in project.milestones)
    return done, sum(len(m.tasks) for m in project.milestones)


def budget_raises(versions: ProjectFileVersions | None, timezone: dt.tzinfo, today: dt.date) -> tuple[BudgetRaise, ...]:
    """Each day the agreed hours went up in the file's history (see the module docstring)."""
    if versions is None or not versions.available:
        return ()
    first_day: dt.date | None = None
    hours: float | None = None
    raises: list[BudgetRaise] = []
    for version in versions.oldest_first:
        if not version.readable or version.budget is None:
            continue
        day = version.day(timezone, today)
        new = version.budget.hours
        if hours is None or day == first_day:
            first_day, hours = day, new
            continue
        if new > hours:
            if raises and raises[-1].day == day:
                raises[-1] = BudgetRaise(day, raises[-1].old, new)
            else:
                raises.append(BudgetRaise(day, hours, new))
        elif new < hours and raises and raises[-1].day == day:
            # Raised and put back on the same day: one change, which may be no raise at all.
            old = raises.pop().old
            if new > old:
                raises.append(BudgetRaise(day, old, new))
        hours = new
    return tuple(raises)


def budget_pace(
    project: Project, versions: ProjectFileVersions | None, timezone: dt.tzinfo, today: dt.date
) -> BudgetPace | None:
    budget = project.budget
    if budget is None or budget.hours <= 0:
        return None
    used_percent = _percent(budget.used, budget.hours)
    done, planned = parts(project)
    done_percent = _percent(done, planned) if planned else None
    ahead = done_percent is not None and used_percent - done_percent > AHEAD_MARGIN_POINTS
    covers = round(100 * done_percent / used_percent) if ahead and done_percent is not None and used_percent else None
    return BudgetPace(
        hours=budget.hours,
        used=budget.used,
        used_percent=used_percent,
        done_percent=done_percent,
        ahead=ahead,
        covers_percent=covers,
        raises=budget_raises(versions, timezone, today),
    )
