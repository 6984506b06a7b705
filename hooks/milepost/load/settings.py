"""What one build is about: which clients, which day, which folders. Plain data."""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from milepost.status.health import DEFAULT_INACTIVE_DAYS
from milepost.history.project_files import LedgerSource

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

TODAY_VARIABLE = "MILEPOST_TODAY"
# Key under `extra.milepost` by which `milepost build` hands each client's MkDocs build the
# portal it has already loaded and checked (the same files, day and history), so that it is
# not read and checked once more per client. Never set in mkdocs.yml.
LOADED_PORTAL = "_loaded_portal"


class SettingsError(ValueError):
    """A setting the agency gave is wrong; the message says which and how to fix it."""


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

    @property
    def ledger(self) -> LedgerSource:
        """The promise ledger's source: `ledger_repo` mirrors the portal folder (`root`)."""
        return LedgerSource(repository=self.ledger_repo, root=self.root)


def parse_today(value: str, source: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise SettingsError(f"{source}: '{value}' is not a date; use YYYY-MM-DD, e.g. 2026-11-24") from None


def today_override(cli_value: str | None = None) -> dt.date | None:
    """`--today` wins over MILEPOST_TODAY; neither means the real date."""
    if cli_value:
        return parse_today(cli_value, "--today")
    env = os.environ.get(TODAY_VARIABLE, "").strip()
    if env:
        return parse_today(env, TODAY_VARIABLE)
    return None


def client_today(timezone: str, override: dt.date | None) -> dt.date:
    """The client's "today": the fixed date of a reproducible build, or now in its timezone."""
    if override is not None:
        return override
    return dt.datetime.now(ZoneInfo(timezone)).date()


def settings_from_extra(config_file: str, extra: dict) -> BuildSettings:
    """Read `extra.milepost` of mkdocs.yml (paths relative to the folder of mkdocs.yml)."""
    root = Path(config_file).resolve().parent
    options = dict(extra.get("milepost") or {})
    cache = options.get("cache_dir", ".cache/milepost")
    today = options.get("today")
    return BuildSettings(
        root=root,
        projects_dir=root / options.get("projects_dir", "projects"),
        cache_dir=(root / cache) if cache else None,
        today=parse_today(str(today), "extra.milepost.today") if today else today_override(),
        client=str(options.get("client", "")),
        preview_dir=str(options.get("preview_dir", "clients")).strip("/"),
        ledger_repo=(root / str(options["ledger_repo"])) if options.get("ledger_repo") else None,
        inactive_days=parse_inactive_days(options.get("inactive_days", DEFAULT_INACTIVE_DAYS)),
    )


def parse_inactive_days(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(
            f"extra.milepost.inactive_days: '{value}' is not a number of days; use a whole number "
            f"of 1 or more, e.g. {DEFAULT_INACTIVE_DAYS}"
        )
    return value


def read_mkdocs_config(config_file: Path, **overrides: Any) -> MkDocsConfig:
    """mkdocs.yml, loaded and checked by MkDocs. Raises `SettingsError` naming the file and
    every problem MkDocs found in it (which MkDocs itself only logs, before exiting)."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    if not Path(config_file).is_file():
        raise SettingsError(
            f"{config_file}: not found; run milepost in the portal's folder or pass --config-file"
        )
    said: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            said.append(record)

    logger = logging.getLogger("mkdocs.config")
    handler = Keep(logging.WARNING)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            config = load_config(str(config_file), **overrides)
        except (Abort, ConfigurationError) as err:
            errors = [r.getMessage().rstrip(".") for r in said if r.levelno >= logging.ERROR] or [str(err)]
            raise SettingsError(
                f"{config_file}: {'; '.join(errors)}. Fix mkdocs.yml (its paths count from its own folder)."
            ) from None
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved
    for record in said:  # warnings about a config that loaded: said as MkDocs would say them
        logger.handle(record)
    return config
