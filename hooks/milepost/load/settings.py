"""What one build is about: which clients, which day, which folders. Plain data.

The settings come from `extra.milepost` in mkdocs.yml, checked by `milepost.mkdocs.extra_config`
(the only place that knows MkDocs' configuration); `build_settings` turns the checked values
into `BuildSettings`.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from milepost.errors import SettingsError
from milepost.load.dates import FIRST_YEAR, LAST_YEAR, in_planned_years
from milepost.model import WorkingHours
from milepost.time_zone import client_zone

TODAY_VARIABLE = "MILEPOST_TODAY"
DEFAULT_PROJECTS_DIR = "projects"
DEFAULT_CACHE_DIR = ".cache/milepost"
DEFAULT_PREVIEW_DIR = "clients"
# A started milestone with no work shown to the client for this many days is at risk
# (status/health.py); `extra.milepost.inactive_days` changes it.
DEFAULT_INACTIVE_DAYS = 14


@dataclass(frozen=True)
class LedgerSource:
    """Where the history of the project files is read.

    `repository` None: the git repository that holds the projects folder, its files at their
    own paths. Otherwise that repository holds the portal's history, the file
    `<root>/projects/a/b.yml` at `projects/a/b.yml` (its path relative to `root`, the folder
    of mkdocs.yml).
    """

    repository: Path | None = None
    root: Path | None = None


@dataclass(frozen=True)
class BuildSettings:
    root: Path  # the portal repository (folder of mkdocs.yml)
    projects_dir: Path
    cache_dir: Path | None
    today: dt.date | None  # None: each client's own "today" in its timezone
    client: str = ""  # "" = team preview of every client
    preview_dir: str = "clients"
    # Where the project files' history is read (None: the git repository holding projects_dir).
    ledger_repo: Path | None = None
    # No shown work for more than this many days puts a started milestone at risk.
    inactive_days: int = DEFAULT_INACTIVE_DAYS
    # The agency's name (`agency`): signs the letters; "" = not given.
    agency: str = ""
    # `letters.from`: the From: of every letter ("" = not given: letters cannot be written).
    letters_from: str = ""
    # `letters.subject_prefix`: the start of every subject ("" = the agency's name, else
    # "Project status" in the client's language).
    letters_subject_prefix: str = ""
    # `answers.address`: where the clients' answers go (the `mailto:` links); "" = not given.
    answers_address: str = ""
    # `answers.trusted_servers`: the authserv-ids of the agency's own mail servers whose
    # Authentication-Results headers `milepost inbox` believes (docs/answers.md).
    answers_trusted_servers: tuple[str, ...] = ()
    # `answers.working_hours`: the agency's working hours, in each client's time zone, in which
    # a measurable `response_time: {hours: 1, business: true}` is counted (docs/answers.md).
    answers_working_hours: WorkingHours = WorkingHours()

    @property
    def ledger(self) -> LedgerSource:
        """The promise ledger's source: `ledger_repo` mirrors the portal folder (`root`)."""
        return LedgerSource(repository=self.ledger_repo, root=self.root)


def parse_today(value: str, source: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise SettingsError(f"{source}: '{value}' is not a date; use YYYY-MM-DD, e.g. 2026-11-24") from None
    if not in_planned_years(day):
        raise SettingsError(f"{source}: '{value}' is outside the years Milepost plans in ({FIRST_YEAR} to {LAST_YEAR})")
    return day


def today_override(cli_value: str | None = None) -> dt.date | None:
    """`--today` wins over MILEPOST_TODAY; neither means the real date."""
    if cli_value:
        return parse_today(cli_value, "--today")
    env = os.environ.get(TODAY_VARIABLE, "").strip()
    if env:
        return parse_today(env, TODAY_VARIABLE)
    return None


def client_today(timezone: str, override: dt.date | None) -> dt.date:
    """The client's "today": the fixed date of a reproducible build, or now in its time zone
    (`client_zone`: UTC for a name `milepost check` refuses)."""
    if override is not None:
        return override
    return dt.datetime.now(client_zone(timezone)).date()


def build_settings(config_file: str | Path, values: Mapping[str, Any]) -> BuildSettings:
    """`BuildSettings` from the checked values of `extra.milepost` (paths count from the folder
    of mkdocs.yml). `today` is a date or None (then `--today`/MILEPOST_TODAY or the real date);
    an empty `cache_dir` means no cache."""
    root = Path(config_file).resolve().parent
    cache = values.get("cache_dir", DEFAULT_CACHE_DIR)
    ledger = values.get("ledger_repo")
    today = values.get("today")
    return BuildSettings(
        root=root,
        projects_dir=root / values.get("projects_dir", DEFAULT_PROJECTS_DIR),
        cache_dir=(root / cache) if cache else None,
        today=today if today is not None else today_override(),
        client=values.get("client") or "",
        preview_dir=str(values.get("preview_dir", DEFAULT_PREVIEW_DIR)).strip("/"),
        ledger_repo=(root / ledger) if ledger else None,
        inactive_days=values.get("inactive_days", DEFAULT_INACTIVE_DAYS),
        agency=(values.get("agency") or "").strip(),
        letters_from=str((values.get("letters") or {}).get("from") or "").strip(),
        letters_subject_prefix=str((values.get("letters") or {}).get("subject_prefix") or "").strip(),
        answers_address=str((values.get("answers") or {}).get("address") or "").strip(),
        answers_trusted_servers=tuple(
            str(server).strip().lower() for server in (values.get("answers") or {}).get("trusted_servers") or ()
        ),
        answers_working_hours=working_hours((values.get("answers") or {}).get("working_hours")),
    )


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _day_number(name: str) -> int:
    key = name.strip().lower()[:3]
    if key not in _DAY_NAMES:
        raise ValueError(f"'{name.strip()}' is not a day; write Mon, Tue, Wed, Thu, Fri, Sat or Sun")
    return _DAY_NAMES.index(key)


def _clock(value: Any, key: str) -> dt.time:
    try:
        hour, minute = str(value).strip().split(":")
        return dt.time(int(hour), int(minute))
    except ValueError:
        raise ValueError(f"{key}: {value!r} is not a time of day; write it as \"09:00\" (in quotes)") from None


def working_hours(value: Any) -> WorkingHours:
    """`answers.working_hours: {days: Mon-Fri, from: "09:00", to: "17:00"}` (each key optional,
    these are the defaults) as `WorkingHours`; `ValueError` with the fix when it is not one.
    Days are a range (`Mon-Fri`) or a list (`Mon, Tue, Thu` or `[Mon, Tue]`)."""
    if value is None:
        return WorkingHours()
    if not isinstance(value, Mapping):
        raise ValueError('write it as {days: Mon-Fri, from: "09:00", to: "17:00"}')
    unknown = sorted(str(k) for k in value if k not in ("days", "from", "to"))
    if unknown:
        raise ValueError(f"{unknown[0]}: unknown setting; the settings are days, from, to")
    default = WorkingHours()
    days = default.days
    if value.get("days") is not None:
        spec = value["days"]
        names = [str(d) for d in spec] if isinstance(spec, list) else str(spec).split(",")
        chosen: set[int] = set()
        for name in names:
            first, dash, last = name.partition("-")
            if dash:
                a, b = _day_number(first), _day_number(last)
                chosen.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
            else:
                chosen.add(_day_number(first))
        days = frozenset(chosen)
    start = _clock(value["from"], "from") if value.get("from") is not None else default.start
    end = _clock(value["to"], "to") if value.get("to") is not None else default.end
    if end <= start:
        raise ValueError(f"to: {end:%H:%M} is not after from: {start:%H:%M}; the working day must end after it starts")
    return WorkingHours(days=days, start=start, end=end)
