"""How good the forecasts have been: each finished milestone's forecast replayed as it would
have been made four weeks before its end, and whether the end fell inside its range.

For every milestone finished by today (`done:`), the project is rebuilt as it stood LEAD_DAYS
before that day (replay.py: the file's committed version then, the tasks done by then) and
the forecast is made again, by the same simulation (forecast.py) with the history known then.
The forecast *held* when the day the milestone was finished lies inside its range, from its
earliest to its latest day (both included), or, for an open range ("not before ..."), on or
after its earliest day. Finishing before the range is a miss as much as after it.

A milestone is not counted when no forecast could have been made then: the file had no
committed version yet, the milestone was not in it or was already marked done, it had no open
tasks, or the project had too little history of its own for the simulation (the agency's
record is not replayed: it holds the very milestones being judged).

A replay draws REPLAY_RUNS futures, not forecast.RUNS: its percentiles move by a day or so,
and a record of dozens of replays stays cheap. Each future is followed for MARGIN_WEEKS
weeks past the milestone's end at most: whether the range held is known by then (a range
that had not begun is a miss, one that had not ended holds if it had begun), and a range
reaching further is recorded as open, "not before" its start or the horizon. The seed is
derived from the inputs as for a forecast, so the record is the same on every build. Pure:
plain data in, plain data out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from milepost.history.project_files import ProjectFileVersions
from milepost.model import Project
from milepost.status.forecast import (
    DayKeeper,
    Forecast,
    ForecastMethod,
    prepare_forecasts,
    replayed_forecasts,
)
from milepost.status.replay import committed_versions, done_days_of, project_on

LEAD_DAYS = 28  # the forecast replayed is the one made four weeks before the end
REPLAY_RUNS = 500  # futures drawn per replayed forecast
MARGIN_WEEKS = 13  # futures are followed a quarter past the end they are judged against


@dataclass(frozen=True)
class Replay:
    """One finished milestone's replayed forecast."""

    milestone: str  # its id
    made: dt.date  # the day the forecast is replayed for (LEAD_DAYS before `done`)
    done: dt.date  # the day it was finished
    earliest: dt.date
    latest: dt.date | None  # None: an open range ("not before `earliest`")
    held: bool


@dataclass(frozen=True)
class Calibration:
    """The record: how many replayed forecasts held, of how many (per project or client)."""

    held: int = 0
    total: int = 0
    replays: tuple[Replay, ...] = ()


NO_CALIBRATION = Calibration()


def held(forecast: Forecast, done: dt.date) -> bool:
    """Whether `done` fell inside the forecast's range (see the docstring)."""
    if forecast.earliest is None or done < forecast.earliest:
        return False
    return forecast.latest is None or done <= forecast.latest


def project_calibration(
    project: Project,
    versions: ProjectFileVersions | None,
    timezone: dt.tzinfo,
    today: dt.date,
    *,
    runs: int = REPLAY_RUNS,
    keep: DayKeeper | None = None,
) -> Calibration:
    """The replayed forecast of each of the project's finished milestones (see the docstring).
    `keep`, when given, keeps each replayed day's forecasts (forecast_cache.py's
    `ReplayedForecasts`)."""
    committed = committed_versions(versions, timezone)
    if versions is None or not committed:
        return NO_CALIBRATION
    weeks = math.ceil(LEAD_DAYS / 7) + MARGIN_WEEKS
    # Every finished milestone's day replayed and its forecasts prepared first, so that their
    # simulations run together (forecast.py's `SimulatedTogether`).
    done_days = done_days_of(project)
    asked = []
    for m in sorted(project.milestones, key=lambda m: (m.done or today, m.id)):
        if m.done is None or m.done > today:
            continue
        made = m.done - dt.timedelta(days=LEAD_DAYS)
        past = project_on(project, committed, made, done_days)
        if past is None:
            continue
        prepared = prepare_forecasts(
            past.project, made, scopes=past.scopes, runs=runs, max_weeks=weeks
        )
        asked.append((m, made, m.done, prepared))
    makers = replayed_forecasts([(made, prepared) for _, made, _, prepared in asked], keep)
    replays = []
    for (m, made, done, _), make in zip(asked, makers, strict=True):
        forecasts = make()
        forecast = forecasts.get(m.id)
        if forecast is None or forecast.method != ForecastMethod.SIMULATION or forecast.earliest is None:
            continue
        # Beyond the futures' end nothing is known but "not before" it.
        horizon = made + dt.timedelta(days=7 * weeks)
        earliest = min(forecast.earliest, horizon)
        latest = forecast.latest if forecast.latest is not None and forecast.latest <= horizon else None
        replay = Replay(m.id, made, done, earliest, latest, held(forecast, done))
        replays.append(replay)
    return Calibration(sum(r.held for r in replays), len(replays), tuple(replays))


def client_calibration(records: Iterable[Calibration]) -> Calibration:
    """A client's record: its projects' together (the replays are each project's own)."""
    held_count = total = 0
    for record in records:
        held_count += record.held
        total += record.total
    return Calibration(held_count, total)
