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
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path

from milepost.history.disk_cache import CacheFormat, canonical_key, code_fingerprint, load_entry, write_entry
from milepost.status.forecast import Forecast, ForecastMethod

FORMAT_VERSION = 1
CACHE = CacheFormat("forecasts", FORMAT_VERSION, "forecast cache")


def entry_path(cache_dir: Path, client: str, project: str) -> Path:
    return Path(cache_dir) / "forecasts" / f"{client}.{project}.json"


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None


def _encode(forecasts: Mapping[str, Forecast]) -> bytes:
    rows = [
        [
            f.milestone, f.available, f.reason,
            f.earliest.isoformat() if f.earliest else None,
            f.latest.isoformat() if f.latest else None,
            f.remaining, f.method.value if f.method else None, f.chance, f.weeks, f.pace, f.growth,
            f.references, f.high.isoformat() if f.high else None,
        ]
        for f in forecasts.values()
    ]
    return json.dumps(rows).encode("utf-8")


def _decode(payload: bytes) -> dict[str, Forecast]:
    forecasts = {}
    for row in json.loads(payload):
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
