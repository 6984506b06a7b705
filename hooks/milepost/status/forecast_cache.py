"""A project's simulated forecasts kept on disk while their exact inputs are unchanged.

The simulation (forecast.py) is the one costly part of a project's outlook: a few
milliseconds a project. The site cache (publish/site_cache.py) keeps a whole client's pages,
so a client whose inputs are all unchanged costs nothing; this cache keeps each project's
forecasts on their own, so that when one project of a client changes, or when `milepost
letters` judges the projects a build judged the same day, the other projects' forecasts are
read, not simulated again.

The key is everything the simulated forecasts are made from: the weeks drawn from, the work
left before each open milestone, each one's id and current promise, today, the number of
futures, the seed's format and Milepost's code (`canonical_key`). One entry per project,
replaced when the key changes, so the cache stays as large as the portal.

The replays judge past days, whose inputs are in the past: the same on the next build and
the next day. `ReplayedForecasts` keeps them in one entry per project: the forecasts the
calibration record (calibration.py) makes of its days, each under the key of its inputs like
a forecast's, and the health strip's weeks (health_timeline.py) as judged, a state and its
rule under the key of everything the week's replay reads, so a week that comes back with the
same inputs is not replayed at all (nor are its forecasts made). An entry
keeps the days asked for by the last build and the strip's days of the six days before its
oldest week and after: the strip's weeks end on today, so a week's end comes back seven days
later (at most seven strips' worth: a few hundred bytes a replayed day; the calibration's days,
asked for by every build, hold no older ones). A day asked for again with other inputs (its
project file rewritten) is replaced.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from milepost.history.disk_cache import CacheFormat, canonical_key, code_fingerprint, load_entry, write_entry
from milepost.status.forecast import Forecast, ForecastMethod

FORMAT_VERSION = 1
CACHE = CacheFormat("forecasts", FORMAT_VERSION, "forecast cache")
REPLAYS_FORMAT_VERSION = 1
REPLAYS = CacheFormat("replayed-forecasts", REPLAYS_FORMAT_VERSION, "replayed forecast cache")


def entry_path(cache_dir: Path, client: str, project: str) -> Path:
    return Path(cache_dir) / "forecasts" / f"{client}.{project}.json"


def replays_path(cache_dir: Path, client: str, project: str) -> Path:
    return Path(cache_dir) / "forecasts" / "replays" / f"{client}.{project}.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def _encode(forecasts: Mapping[str, Forecast]) -> bytes:
    return json.dumps(_rows(forecasts)).encode("utf-8")


def _rows(forecasts: Mapping[str, Forecast]) -> list[list[Any]]:
    return [
        [
            f.milestone, f.available, f.reason,
            f.earliest.isoformat() if f.earliest else None,
            f.latest.isoformat() if f.latest else None,
            f.remaining, f.method.value if f.method else None, f.chance, f.weeks, f.pace, f.growth,
            f.references, f.high.isoformat() if f.high else None,
        ]
        for f in forecasts.values()
    ]


def _decode(payload: bytes) -> dict[str, Forecast]:
    return _forecasts(json.loads(payload))


def _forecasts(rows: list[list[Any]]) -> dict[str, Forecast]:
    forecasts = {}
    for row in rows:
        milestone, available, reason, earliest, latest, remaining, method, chance, weeks, pace, growth, refs, high = row
        forecasts[str(milestone)] = Forecast(
            milestone=str(milestone),
            available=bool(available),
            reason=str(reason),
            earliest=_date(earliest),
            latest=_date(latest),
            remaining=int(remaining),
            method=ForecastMethod(method) if method is not None else None,
            chance=float(chance) if chance is not None else None,
            weeks=int(weeks),
            pace=float(pace),
            growth=float(growth),
            references=int(refs),
            high=_date(high),
        )
    return forecasts


def cached_forecasts(
    cache_dir: Path | None,
    client: str,
    project: str,
    inputs: object,
    simulate: Callable[[], dict[str, Forecast]],
) -> dict[str, Forecast]:
    """The forecasts `simulate()` gives for `inputs` (plain data, see the docstring): read from
    the project's entry when it was made from the same inputs, else simulated and kept."""
    if cache_dir is None:
        return simulate()
    key = canonical_key("forecasts", FORMAT_VERSION, code_fingerprint(), inputs)
    path = entry_path(cache_dir, client, project)
    kept = load_entry(path, CACHE, _decode, fields=(key,))
    if kept is not None:
        return kept
    forecasts = simulate()
    write_entry(path, CACHE, _encode(forecasts), fields=(key,))
    return forecasts


class ReplayedForecasts:
    """The simulated forecasts of a project's replayed days, kept in one entry (see the
    docstring): a forecast.py `DayKeeper`. Read when made; `save()` writes the entry when a
    day's forecasts were simulated or dropped."""

    def __init__(self, cache_dir: Path, client: str, project: str) -> None:
        self._path = replays_path(cache_dir, client, project)
        kept = load_entry(self._path, REPLAYS, _decode_days)
        self._kept: dict[str, tuple[str, list[list[Any]]]] = kept if kept is not None else {}
        self._asked: dict[str, tuple[str, list[list[Any]]]] = {}
        self._made: set[str] = set()  # days whose entries this run made anew
        self._weeks: set[str] = set()  # days of the strip's weeks asked for
        self._keys: dict[tuple[int, str], tuple[object, str]] = {}  # by the inputs' identity

    def _key(self, inputs: object, kind: str = "") -> str:
        """`_replay_key` of the inputs (of a week's state with `kind`), found once for the same
        object: a replay asks for each day's key twice, once to read and once to keep."""
        known = self._keys.get((id(inputs), kind))
        if known is not None and known[0] is inputs:
            return known[1]
        key = _replay_key([kind, inputs] if kind else inputs)
        self._keys[(id(inputs), kind)] = (inputs, key)
        return key

    def kept(self, day: dt.date, inputs: object) -> dict[str, Forecast] | None:
        """The forecasts kept for `day` from `inputs` (then kept on), else None."""
        return self._kept_under(day, self._key(inputs))

    def _kept_under(self, day: dt.date, key: str) -> dict[str, Forecast] | None:
        kept = self._kept.get(key)
        if kept is None or kept[0] != day.isoformat():
            return None
        self._asked[key] = kept
        return _forecasts(kept[1])

    def __call__(
        self, day: dt.date, inputs: object, simulate: Callable[[], dict[str, Forecast]]
    ) -> dict[str, Forecast]:
        key = self._key(inputs)
        kept = self._kept_under(day, key)
        if kept is not None:
            return kept
        forecasts = simulate()
        self._asked[key] = (day.isoformat(), _rows(forecasts))
        self._made.add(day.isoformat())
        return forecasts

    def week(self, day: dt.date, inputs: object) -> tuple[str, str] | None:
        """The state and rule kept for the strip's week ending `day`, judged from `inputs`
        (health_timeline.py's, everything that week's replay reads), else None."""
        key = self._key(inputs, _WEEK)
        kept = self._kept.get(key)
        self._weeks.add(day.isoformat())
        if kept is None or kept[0] != day.isoformat():
            return None
        self._asked[key] = kept
        (state, rule), *_ = kept[1]
        return str(state), str(rule)

    def keep_week(self, day: dt.date, inputs: object, state: str, rule: str) -> None:
        """Keep the state and rule of the strip's week ending `day`, judged from `inputs`."""
        self._asked[self._key(inputs, _WEEK)] = (day.isoformat(), [[state, rule]])
        self._made.add(day.isoformat())
        self._weeks.add(day.isoformat())

    def save(self) -> None:
        """Keep what was asked for, and the rest from the days the next builds will ask for
        again, but for the days made anew (their old entries were made from other inputs).
        Those days are the strip's: from six days before its oldest week (the builds of the
        last six days asked for those, and the next six will), else from the oldest day asked
        for. The calibration's days are asked for by every build, so they do not hold older
        days: an entry stays as large as seven strips."""
        if not self._asked:
            return
        if self._weeks:
            oldest = (dt.date.fromisoformat(min(self._weeks)) - dt.timedelta(days=6)).isoformat()
        else:
            oldest = min(day for day, _ in self._asked.values())
        entries = dict(self._asked)
        for key, (day, rows) in self._kept.items():
            if day >= oldest and day not in self._made:
                entries.setdefault(key, (day, rows))
        if self._made or entries.keys() != self._kept.keys():
            payload = json.dumps({key: [day, rows] for key, (day, rows) in sorted(entries.items())})
            write_entry(self._path, REPLAYS, payload.encode("utf-8"))
            self._kept, self._made = entries, set()
        self._asked, self._weeks, self._keys = {}, set(), {}


_WEEK = "week"  # a strip's week judged: its state, not forecasts


def _replay_key(inputs: object) -> str:
    # The inputs are plain JSON data (forecast.py's), so their JSON text is canonical: hashed
    # directly, as `seed_of` does, since a strip asks for dozens of keys a project.
    text = json.dumps([REPLAYS.name, REPLAYS_FORMAT_VERSION, code_fingerprint(), inputs])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _decode_days(payload: bytes) -> dict[str, tuple[str, list[list[Any]]]]:
    entries = {}
    for key, (day, rows) in json.loads(payload).items():
        dt.date.fromisoformat(day)  # a damaged entry raises here, not when it is used
        entries[str(key)] = (str(day), list(rows))
    return entries
