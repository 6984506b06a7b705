"""The project's health week by week since its file was first committed: the health strip.

Each week ends on a day seven days apart, the last one today; the first is the week in which
the project file was first committed, at most STRIP_WEEKS weeks back. For each week's last
day the project is rebuilt as it stood then (replay.py) and judged by the same rules as
today's (health.py's `project_health`), with the signals measured as of that day: the
forecasts made then (forecast.py, with the history known then) and the last work the client
could see by then. A week's state is the project's state at the end of that week.

Each week's forecasts are prepared first, and simulated all together the first time a rule
asks for one (forecast.py's `SimulatedTogether`: each the same as alone), each from
STRIP_RUNS futures: a week's state, not a date, is what the strip shows. A week with a late
milestone needs none (health.py's `project_health` judges the dates first), so it is left
out. And a future is followed only until a week past the latest promise (`horizon_weeks`):
the rules ask whether each milestone will be ready by its promise, which a future still
running then has already answered. A week may be kept as judged (`keep`, forecast_cache.py),
under the key of everything its replay reads up to its last day (`_ReplayReads`): its inputs
are in the past, so a week that comes back is not replayed. The week that ends today is the
project's state today, with the forecasts of the page itself, so the strip always ends where
the page's own state is.

Without the file's committed history there is nothing to replay: no strip. Pure.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import hashlib
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from milepost.history.project_files import ProjectFileVersion, ProjectFileVersions
from milepost.model import Project, WaitingItem, WorkKind, WorkNote
from milepost.status.forecast import (
    Forecast,
    PreparedForecasts,
    prepare_forecasts,
    replayed_forecasts,
    with_simulated,
)
from milepost.status.health import Health, HealthState, Signals, late_by_dates, project_health
from milepost.status.replay import PastProject, committed_versions, done_days_of, project_on

STRIP_WEEKS = 52  # at most a year of weeks
STRIP_RUNS = 200  # futures drawn per replayed week's forecasts


@dataclass(frozen=True)
class HealthWeek:
    """The project's state at the end of one week."""

    end: dt.date  # the week's last day
    state: HealthState
    rule: str  # the rule that decided (health.py's HealthRule value)


class _ForecastsOnDemand(Mapping[str, Forecast]):
    """The forecasts of a past day, made only when a rule asks for one."""

    def __init__(self, make: Callable[[], Mapping[str, Forecast]]) -> None:
        self._make = make
        self._made: Mapping[str, Forecast] | None = None

    def _forecasts(self) -> Mapping[str, Forecast]:
        if self._made is None:
            self._made = self._make()
        return self._made

    def __getitem__(self, key: str) -> Forecast:
        return self._forecasts()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._forecasts())

    def __len__(self) -> int:
        return len(self._forecasts())


def horizon_weeks(project: Project, day: dt.date) -> int:
    """How far a replayed week's futures need to run: a week past the latest promise of an
    open milestone. The rules ask only whether a milestone will be ready by its promise
    (forecast.py's percentiles against it), and a future still running then is not: where it
    ends after that changes no answer."""
    promises = [m.current_due for m in project.milestones if m.done is None]
    days = max(((promise - day).days for promise in promises), default=0)
    return max(math.ceil(days / 7), 0) + 1


def week_ends(first: dt.date, today: dt.date) -> list[dt.date]:
    """The last day of each week from the one holding `first` to the one ending today, oldest
    first, at most STRIP_WEEKS."""
    if first > today:
        return []
    count = min((today - first).days // 7 + 1, STRIP_WEEKS)
    return [today - dt.timedelta(days=7 * (count - 1 - index)) for index in range(count)]


def _last_work(past: Project, work: Sequence[WorkNote], day: dt.date) -> dt.date | None:
    """The latest day the client could see work by `day` (outlook.py's `last_shown_work`)."""
    days = [c.date for c in work if c.kind != WorkKind.HIDDEN and c.date <= day]
    for m in past.milestones:
        days.extend(task.done for task in m.tasks if task.done is not None and task.done <= day)
        if m.done is not None and m.done <= day:
            days.append(m.done)
    return max(days, default=None)


class WeekKeeper(Protocol):
    """The strip's weeks kept as judged (forecast_cache.py's `ReplayedForecasts`)."""

    def week(self, day: dt.date, inputs: object) -> tuple[str, str] | None:
        """The state and rule kept for the week ending `day` judged from `inputs`, else None."""

    def keep_week(self, day: dt.date, inputs: object, state: str, rule: str) -> None:
        """Keep the state and rule of the week ending `day` judged from `inputs`."""


class _Prefixes:
    """A digest of each prefix of items sorted by day: the items up to a day, in a few bytes
    (a strip asks for every week's)."""

    def __init__(self, items: Sequence[tuple[int, str]]) -> None:
        self._days = [day for day, _ in items]
        digest = hashlib.sha256()
        self._digests = [digest.hexdigest()]
        for day, text in items:
            digest.update(f"{day} {text}\n".encode())
            self._digests.append(digest.hexdigest())

    def upto(self, day: int) -> str:
        return self._digests[bisect.bisect_right(self._days, day)]


@dataclass(frozen=True)
class _ReplayReads:
    """Everything a week's replay reads, ready to be cut at the week's last day: the key under
    which its state is kept (plain data, days as ordinals). What comes after the week's last
    day is not in it, so a task done today keeps the past weeks. The rules and the simulation
    are in the key through the code's fingerprint (forecast_cache.py)."""

    versions: _Prefixes  # each committed version: day landed, place in the history, commit, content
    plans: tuple[tuple[int, tuple[str, ...]], ...]  # each one's day landed and milestone ids, in order
    milestones: Mapping[str, tuple[int | None, _Prefixes]]  # by id: start, days its tasks were done
    waiting: tuple[WaitingItem, ...]
    work: tuple[int, ...]  # the days of work a client could see, earliest first
    settings: tuple[int, int]  # inactive days, futures drawn

    @classmethod
    def of(
        cls,
        project: Project,
        committed: Sequence[tuple[dt.date, ProjectFileVersion]],
        done_days: Mapping[str, Sequence[dt.date]],
        work: Sequence[WorkNote],
        settings: tuple[int, int],
    ) -> _ReplayReads:
        landed = sorted(
            (day.toordinal(), f"{place} {version.commit} {version.blob}")
            for place, (day, version) in enumerate(committed)
        )
        return cls(
            _Prefixes(landed),
            tuple((day.toordinal(), tuple(plan.id for plan in version.milestones)) for day, version in committed),
            {
                m.id: (m.start.toordinal() if m.start else None, _Prefixes([(d.toordinal(), "") for d in days]))
                for m in project.milestones
                for days in (done_days[m.id],)
            },
            project.waiting_on_client,
            tuple(sorted(note.date.toordinal() for note in work if note.kind != WorkKind.HIDDEN)),
            settings,
        )

    def on(self, day: dt.date) -> list[object]:
        """What the replay of the week ending `day` reads: nothing after that day."""
        last = day.toordinal()
        waiting = [
            [item.title, item.asked.toordinal(), item.needed_by.toordinal() if item.needed_by else None,
             item.milestone, item.done.toordinal() if item.done and item.done <= day else None]
            for item in self.waiting
            if item.asked <= day
        ]
        seen = bisect.bisect_right(self.work, last)
        # Only the milestones of the version the replay rebuilds (replay.py): one added since
        # changes no past week.
        planned = [ids for landed, ids in self.plans if landed <= last]
        facts: list[object] = []
        for ident in planned[-1] if planned else ():
            fact = self.milestones.get(ident)
            facts.append([ident] if fact is None else [ident, fact[0], fact[1].upto(last)])
        return [
            last,
            self.versions.upto(last),
            facts,
            waiting,
            self.work[seen - 1] if seen else None,
            list(self.settings),
        ]


def health_weeks(
    project: Project,
    versions: ProjectFileVersions | None,
    work: Sequence[WorkNote],
    timezone: dt.tzinfo,
    today: dt.date,
    *,
    now: Health,
    inactive_days: int,
    runs: int = STRIP_RUNS,
    keep: WeekKeeper | None = None,
) -> tuple[HealthWeek, ...]:
    """The state at the end of each week (see the docstring); `now` is today's, as the page
    judged it. `keep`, when given, keeps each week as judged (forecast_cache.py's
    `ReplayedForecasts`): a week kept is not replayed."""
    committed = committed_versions(versions, timezone)
    if versions is None or not committed:
        return ()
    # Each past week's project and the forecasts it needs prepared first, so that the weeks'
    # simulations run together (forecast.py's `SimulatedTogether`) when one is asked for.
    done_days = done_days_of(project)
    reads = _ReplayReads.of(project, committed, done_days, work, (inactive_days, runs)) if keep else None
    judged: dict[dt.date, HealthWeek] = {}
    read_on: dict[dt.date, list[object]] = {}  # what each week's replay reads: its key
    replayed: list[tuple[dt.date, PastProject | None, PreparedForecasts | None]] = []
    for end in week_ends(committed[0][0], today):
        if end == today:
            replayed.append((end, None, None))
            continue
        if reads is not None:
            read_on[end] = reads.on(end)
        kept = keep.week(end, read_on[end]) if keep is not None and end in read_on else None
        if kept is not None:
            judged[end] = HealthWeek(end, HealthState(kept[0]), kept[1])
            replayed.append((end, None, None))
            continue
        past = project_on(project, committed, end, done_days)
        if past is None:
            continue
        prepared = prepare_forecasts(
            past.project, end, scopes=past.scopes, runs=runs,
            max_weeks=horizon_weeks(past.project, end),
        )
        replayed.append((end, past, prepared))
    # A week with a late milestone asks for no forecast (health.py judges the dates first).
    asking = [
        (end, ready) for end, past, ready in replayed
        if past is not None and ready is not None and late_by_dates(past.project, end) is None
    ]
    makers = dict(zip([end for end, _ in asking], replayed_forecasts(asking), strict=True))
    weeks = []
    for end, past, ready in replayed:
        if past is None or ready is None:
            weeks.append(judged.get(end, HealthWeek(end, now.state, now.rule.value)))
            continue
        make = makers.get(end, functools.partial(with_simulated, ready))
        signals = Signals(
            forecasts=_ForecastsOnDemand(make),
            last_work=_last_work(past.project, work, end),
            inactive_days=inactive_days,
        )
        health = project_health(past.project, end, signals)
        weeks.append(HealthWeek(end, health.state, health.rule.value))
        if keep is not None and end in read_on:
            keep.keep_week(end, read_on[end], health.state.value, health.rule.value)
    return tuple(weeks)
