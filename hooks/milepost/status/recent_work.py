"""What changed recently, week by week: plain data the pages and feeds both use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from milepost.model import WorkKind, WorkNote

# Order in which listed kinds appear under a week.
LISTED_KINDS = (WorkKind.NOTE, WorkKind.NEW, WorkKind.FIXED, WorkKind.FASTER)


@dataclass
class Week:
    start: dt.date  # first day of the week (locale's custom)
    end: dt.date  # last day, inclusive
    listed: dict[WorkKind, list[WorkNote]] = field(default_factory=dict)
    counted: int = 0
    elsewhere: int = 0  # listed work left out here because the page shows it elsewhere

    @property
    def empty(self) -> bool:
        return not self.counted and not self.elsewhere and not any(self.listed.values())


@dataclass(frozen=True)
class QuietStretch:
    """Consecutive weeks with nothing to show: one line on a page instead of a week each."""

    start: dt.date  # first day of the oldest week
    end: dt.date  # last day of the newest week, inclusive
    weeks: int


def weeks_of_work(
    work: list[WorkNote] | tuple[WorkNote, ...],
    *,
    today: dt.date,
    week_start: dt.date,
    weeks: int = 6,
    shown_elsewhere: frozenset[WorkNote] = frozenset(),
) -> list[Week]:
    """The last `weeks` calendar weeks, newest first, quiet weeks included.

    `week_start` is the first day of the current week (the caller knows the locale). Work
    dated after `today` (clock skew, a future --today) is not shown. Listed work in
    `shown_elsewhere` (a page shows it under its milestone) is only counted in `elsewhere`.
    """
    result = []
    for offset in range(weeks):
        start = week_start - dt.timedelta(days=7 * offset)
        result.append(Week(start=start, end=start + dt.timedelta(days=6)))
    oldest = result[-1].start
    for note in work:
        if note.kind == WorkKind.HIDDEN or note.date > today or note.date < oldest:
            continue
        week = result[-((note.date - week_start).days // 7)]
        if note.kind == WorkKind.COUNTED:
            week.counted += 1
        elif note in shown_elsewhere:
            week.elsewhere += 1
        else:
            week.listed.setdefault(note.kind, []).append(note)
    for week in result:
        for items in week.listed.values():
            items.sort(key=lambda c: (c.date, c.text), reverse=True)
    return result


def with_quiet_stretches(weeks: list[Week], today: dt.date | None = None) -> list[Week | QuietStretch]:
    """`weeks` (newest first) with each run of empty weeks, one week or more, as one
    `QuietStretch`: a page says once that nothing happened, not once a week.

    The week of `today` is not over: empty, it is left out (it is not a quiet week yet, and a
    page saying "no work in 1 week: 23-29 November" on the 24th would be wrong)."""
    result: list[Week | QuietStretch] = []
    for week in weeks:
        last = result[-1] if result else None
        if week.empty and today is not None and week.end >= today:
            continue
        if not week.empty:
            result.append(week)
        elif isinstance(last, QuietStretch):
            result[-1] = QuietStretch(start=week.start, end=last.end, weeks=last.weeks + 1)
        else:
            result.append(QuietStretch(start=week.start, end=week.end, weeks=1))
    return result
