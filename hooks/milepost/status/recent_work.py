"""What changed recently, week by week: plain data the pages and feeds both use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from milepost.model import WorkNote

# Order in which listed kinds appear under a week.
LISTED_KINDS = ("note", "new", "fixed", "faster")


@dataclass
class Week:
    start: dt.date  # first day of the week (locale's custom)
    end: dt.date  # last day, inclusive
    listed: dict[str, list[WorkNote]] = field(default_factory=dict)
    counted: int = 0

    @property
    def empty(self) -> bool:
        return not self.counted and not any(self.listed.values())


def weeks_of_work(
    work: list[WorkNote] | tuple[WorkNote, ...],
    *,
    today: dt.date,
    week_start: dt.date,
    weeks: int = 6,
) -> list[Week]:
    """The last `weeks` calendar weeks, newest first, quiet weeks included.

    `week_start` is the first day of the current week (the caller knows the locale). Work
    dated after `today` (clock skew, a future --today) is not shown.
    """
    result = []
    for offset in range(weeks):
        start = week_start - dt.timedelta(days=7 * offset)
        result.append(Week(start=start, end=start + dt.timedelta(days=6)))
    oldest = result[-1].start
    for note in work:
        if note.kind == "hidden" or note.date > today or note.date < oldest:
            continue
        week = result[-((note.date - week_start).days // 7)]
        if note.kind == "counted":
            week.counted += 1
        else:
            week.listed.setdefault(note.kind, []).append(note)
    for week in result:
        for items in week.listed.values():
            items.sort(key=lambda c: (c.date, c.text), reverse=True)
    return result
