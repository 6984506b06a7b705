"""Dates as the portal's files write them: `YYYY-MM-DD` text.

The YAML reader keeps dates as text (see yaml_source.py), so that a date that does not exist is
a problem on its line rather than a traceback; `parse_date` turns the valid ones into dates.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> dt.date | None:
    """A `YYYY-MM-DD` string as a date; None for anything else (already reported by the schema)."""
    if not isinstance(value, str) or not _DATE_SHAPE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
