"""Time measured in the agency's working hours: how long a client's message waited for a reply.

The working hours (`extra.milepost.answers.working_hours`, default Monday to Friday, 09:00 to
17:00) are read in the client's time zone, so a day that changes to or from summer time has
the same working hours on the clock, and the hours between two moments are counted on UTC
(an hour is an hour). The client country's public holidays (`country:` in client.yml) are
not working days; they come from the maintained `holidays` library, not a hand-kept list.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import holidays

from milepost.model import WorkingHours

DEFAULT_WORKING_HOURS = WorkingHours()


@functools.lru_cache(maxsize=256)
def _public_holidays(country: str, year: int) -> frozenset[dt.date]:
    """The public holidays of `country` (ISO 3166-1 alpha-2) in `year`; none for "" or a code
    the library does not know (`milepost check` refuses that)."""
    if not country:
        return frozenset()
    try:
        return frozenset(holidays.country_holidays(country.upper(), years=year))
    except NotImplementedError:
        return frozenset()


def known_country(code: str) -> bool:
    """Whether the holidays library knows the public holidays of this ISO 3166-1 code."""
    return code.upper() in holidays.list_supported_countries()


@dataclass(frozen=True)
class WorkCalendar:
    """When the agency works for one client: its working hours in the client's zone, without
    the client country's public holidays."""

    hours: WorkingHours
    zone: dt.tzinfo
    country: str = ""

    def is_working_day(self, day: dt.date) -> bool:
        return day.weekday() in self.hours.days and day not in _public_holidays(self.country, day.year)

    def window(self, day: dt.date) -> tuple[dt.datetime, dt.datetime] | None:
        """The working hours of `day` in UTC, or None on a day off."""
        if not self.is_working_day(day):
            return None
        start = dt.datetime.combine(day, self.hours.start, tzinfo=self.zone).astimezone(dt.UTC)
        end = dt.datetime.combine(day, self.hours.end, tzinfo=self.zone).astimezone(dt.UTC)
        return (start, end) if end > start else None


def business_hours_between(start: dt.datetime, end: dt.datetime, calendar: WorkCalendar) -> float:
    """The working hours between two moments (timezone-aware), by `calendar`; 0 when `end` is
    not after `start`. A message written at night starts counting when work starts. Time in
    steps of one day: linear in the days between the two."""
    start, end = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    if end <= start:
        return 0.0
    day = start.astimezone(calendar.zone).date() - dt.timedelta(days=1)
    last = end.astimezone(calendar.zone).date() + dt.timedelta(days=1)
    seconds = 0.0
    while day <= last:
        window = calendar.window(day)
        if window is not None:
            overlap = (min(end, window[1]) - max(start, window[0])).total_seconds()
            seconds += max(overlap, 0.0)
        day += dt.timedelta(days=1)
    return seconds / 3600


def hours_between(start: dt.datetime, end: dt.datetime, calendar: WorkCalendar | None) -> float:
    """The hours a reply took: working hours by `calendar`, or hours on the clock without one."""
    if calendar is not None:
        return business_hours_between(start, end, calendar)
    # On UTC: two moments of the same zone subtract as wall-clock times, which is an hour off
    # across a change to or from summer time.
    return max((end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds(), 0.0) / 3600
