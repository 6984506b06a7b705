"""Dates as the portal's files write them: `YYYY-MM-DD` text.

The YAML reader keeps dates as text (see yaml_source.py), so that a date that does not exist is
a problem on its line rather than a traceback; `parse_date` turns the valid ones into dates.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The years a portal plans in (the schemas' date pattern says the same). A build shifts dates by
# days and weeks (the day after a promise, forecasts, weeks of work); the calendar ends at
# 9999-12-31, so a date near its end would fail somewhere inside instead of on its line.
FIRST_YEAR = 1900
LAST_YEAR = 2199
YEARS = f"a year from {FIRST_YEAR} to {LAST_YEAR}"


def in_planned_years(day: dt.date) -> bool:
    """Whether `day` falls in the years a portal plans in."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_date(value: Any) -> dt.date | None:
    """A `YYYY-MM-DD` string in the planned years as a date; None for anything else (already
    reported by the schema)."""
    if not isinstance(value, str) or not _DATE_SHAPE.match(value):
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if in_planned_years(day) else None
