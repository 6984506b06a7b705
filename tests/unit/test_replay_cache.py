"""The replays' cache (forecast_cache.py's `ReplayedForecasts`) over a long run of daily
builds: a strip's week that comes back is read, not judged again, and the entry stays as large
as seven strips, whatever days the calibration keeps asking for."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from milepost.status.forecast import Forecast
from milepost.status.forecast_cache import ReplayedForecasts

START = dt.date(2026, 1, 5)
STRIP = 30  # weeks in the strip


def nothing() -> dict[str, Forecast]:
    return {}


def daily_builds(cache: Path, days: int, first_week: dt.date, *, calibration: bool = True) -> list[int]:
    """Builds on `days` days in a row, each asking for the strip's weeks (from `first_week`, at
    most STRIP) and, with `calibration`, a calibration day fixed long ago; how many weeks each
    judged anew."""
    judged = []
    replayed = START - dt.timedelta(days=200)
    for n in range(days):
        today = START + dt.timedelta(days=n)
        kept = ReplayedForecasts(cache, "client", "project")
        if calibration:
            kept(replayed, ["calibration"], nothing)
        count = 0
        for age in range(1, STRIP):
            end = today - dt.timedelta(days=7 * age)
            if end < first_week:
                break
            if kept.week(end, ["week", end.toordinal()]) is None:
                kept(end, ["forecasts", end.toordinal()], nothing)
                kept.keep_week(end, ["week", end.toordinal()], "on_track", "on-track")
                count += 1
        kept.save()
        judged.append(count)
    return judged


def test_daily_builds_judge_only_the_newest_week_and_the_entry_stays_bounded(tmp_path: Path) -> None:
    judged = daily_builds(tmp_path, 300, START - dt.timedelta(days=7 * STRIP))
    assert judged[0] == STRIP - 1 and all(count <= STRIP - 1 for count in judged[:7])
    assert max(judged[7:]) == 1  # after a week, each build judges its newest week only
    entries = len(ReplayedForecasts(tmp_path, "client", "project")._kept)
    assert entries <= 7 * STRIP * 2 + 1  # seven strips of forecasts and weeks, and the calibration


def test_a_young_projects_first_weeks_are_kept_for_the_builds_of_the_next_days(tmp_path: Path) -> None:
    """The strip of a project younger than a strip begins at its first week, which moves each
    day: the days the last six builds asked for are still kept."""
    judged = daily_builds(tmp_path, 120, START, calibration=False)
    assert max(judged[7:]) == 1
