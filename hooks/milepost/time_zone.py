"""The client's time zone: the one place a `timezone:` of client.yml becomes a `tzinfo`.

The rule: the client's IANA zone when the installed tz database knows it; otherwise UTC. UTC
is used for an empty name (no client, e.g. a preview of shared pages) and for a name the tz
database does not know. `milepost check` refuses an unknown name (`load/checks.py`, through
`known_zone`), so a checked portal never meets the second case; nothing raises on it, so a
preview or a hand-run build keeps going, with one warning per name.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

log = logging.getLogger(f"mkdocs.plugins.{__name__}")


def known_zone(name: str) -> ZoneInfo | None:
    """The zone `name` names in the tz database, or None (empty, unknown or malformed)."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


@functools.lru_cache(maxsize=64)
def client_zone(name: str) -> dt.tzinfo:
    """The client's time zone: `known_zone(name)`, else UTC (see the module for when)."""
    zone = known_zone(name)
    if zone is not None:
        return zone
    if name:
        log.warning("Unknown time zone %r (milepost check names the client); dates and times are in UTC.", name)
    return dt.UTC
