"""time_zone.py: the client's IANA zone, or UTC for an empty name or one the tz database does
not know (which `milepost check` refuses); nothing raises on such a name."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest

from milepost.load.settings import client_today
from milepost.time_zone import client_zone, known_zone


def test_a_known_name_is_its_zone() -> None:
    assert client_zone("Europe/Warsaw") == ZoneInfo("Europe/Warsaw")
    assert known_zone("America/New_York") == ZoneInfo("America/New_York")


@pytest.mark.parametrize("name", ["Europe/Warsow", "Europe", "../../etc/passwd", "CET+5", "Europe/Warsaw "])
def test_an_unknown_or_malformed_name_is_utc_with_one_warning(name: str, caplog: pytest.LogCaptureFixture) -> None:
    client_zone.cache_clear()
    assert known_zone(name) is None
    with caplog.at_level(logging.WARNING):
        assert client_zone(name) is dt.UTC
        assert client_zone(name) is dt.UTC
    assert [r.getMessage() for r in caplog.records] == [
        f"Unknown time zone {name!r} (milepost check names the client); dates and times are in UTC."
    ]


def test_no_name_is_utc_without_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert client_zone("") is dt.UTC
    assert known_zone("") is None
    assert caplog.records == []


def test_todays_date_never_raises_on_an_unknown_zone() -> None:
    assert client_today("Mars/Olympus_Mons", dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)
    assert client_today("Mars/Olympus_Mons", None) == dt.datetime.now(dt.UTC).date()
    # Kiritimati is UTC+14: on most of the day its date is not London's.
    assert client_today("Pacific/Kiritimati", None) == dt.datetime.now(ZoneInfo("Pacific/Kiritimati")).date()
