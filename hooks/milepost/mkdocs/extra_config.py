"""`extra.milepost` of mkdocs.yml as a MkDocs `Config` class: each setting checked, with a fix.

MkDocs checks its own settings and a plugin's this way (`mkdocs.config.base.Config` with
`config_options`); Milepost is a set of hooks, whose settings live under `extra`, which MkDocs
does not check. So Milepost checks them here, the same way, and makes every problem an error
that names the setting and says how to fix it - an unknown key too (a typo would otherwise be
ignored, and the build would quietly use the default).

The plain result is `milepost.load.settings.BuildSettings`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import BaseConfigOption, Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig

from milepost.errors import SettingsError
from milepost.load.dates import FIRST_YEAR, LAST_YEAR, in_planned_years
from milepost.load.settings import (
    DEFAULT_CACHE_DIR,
    DEFAULT_INACTIVE_DAYS,
    DEFAULT_PREVIEW_DIR,
    DEFAULT_PROJECTS_DIR,
    BuildSettings,
    build_settings,
    working_hours,
)
from milepost.mkdocs.config_file import read_mkdocs_config
from milepost.portal import LoadResult

SECTION = "extra.milepost"
# Key by which `milepost build` hands each client's MkDocs build the portal it has already
# loaded and checked (the same files, day and history), so that it is not read and checked
# once more per client. Never set in mkdocs.yml.
LOADED_PORTAL = "_loaded_portal"


def _shown(value: object) -> str:
    """A value as the agency wrote it in YAML, for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f"'{value}'"


def _folder(example: str, where: str = "relative to mkdocs.yml") -> str:
    return f"write a folder name {where}, e.g. {example}"


class Text(BaseConfigOption[str]):
    """A string setting; the error says what to write, with an example. Unlike `c.Type(str)`,
    null is an error too, not the default: the agency wrote something, and it is not used."""

    def __init__(self, *, what: str, fix: str, default: str | None = None) -> None:
        super().__init__()
        self.default = default
        self.what = what
        self.fix = fix

    def run_validation(self, value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"{_shown(value)} is not {self.what}; {self.fix}")
        return value


class CacheFolder(BaseConfigOption[str]):
    """`cache_dir`: a folder, or off (empty, null or false), as before the settings were checked."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        if value is None or value is False or value == "":
            return ""
        if not isinstance(value, str):
            raise ValidationError(
                f"{_shown(value)} is not a folder; {_folder(DEFAULT_CACHE_DIR)}, or '' for no cache"
            )
        return value


class Days(BaseConfigOption[int]):
    """A whole number of days, 1 or more (null is an error, as with `Text`)."""

    def __init__(self, default: int) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValidationError(
                f"{_shown(value)} is not a number of days; use a whole number of 1 or more, "
                f"e.g. {DEFAULT_INACTIVE_DAYS}"
            )
        return value


class Day(BaseConfigOption[dt.date]):
    """A day, written YYYY-MM-DD (YAML reads it as a date, `milepost` hands it as text)."""

    def run_validation(self, value: object) -> dt.date:
        day: dt.date | None = None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            day = value
        elif isinstance(value, str):
            with contextlib.suppress(ValueError):
                day = dt.date.fromisoformat(value.strip())
        if day is None:
            raise ValidationError(f"{_shown(value)} is not a date; use YYYY-MM-DD, e.g. 2026-11-24")
        if not in_planned_years(day):
            raise ValidationError(
                f"{_shown(value)} is outside the years Milepost plans in ({FIRST_YEAR} to {LAST_YEAR})"
            )
        return day


class SettingsGroup(BaseConfigOption[dict[str, Any]]):
    """A group of settings under one key (`letters:`, `answers:`): a mapping of the names in
    `keys` only, unknown ones refused with a did-you-mean; each subclass checks its values."""

    name = ""
    keys: tuple[str, ...] = ()
    how: str = ""  # what to write, for a value that is no mapping

    def __init__(self) -> None:
        super().__init__()
        self.default = {}

    def run_validation(self, value: object) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise ValidationError(
                f"{_shown(value)} is not a list of settings; write {self.how} indented under `{self.name}:`"
            )
        problems = []
        for key in sorted(str(k) for k in value if k not in self.keys):
            close = difflib.get_close_matches(key, self.keys, n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else f"the settings are {', '.join(self.keys)}"
            problems.append(f"{self.name}.{key}: unknown setting; {hint}")
        problems += self.value_problems(value)
        if problems:
            raise ValidationError("; ".join(problems))
        return dict(value)

    def value_problems(self, value: Mapping[Any, Any]) -> list[str]:
        raise NotImplementedError


class Letters(SettingsGroup):
    """`letters: {from: "Name <address>", subject_prefix: ...}`: what `milepost letters` needs
    of the portal (docs/letters.md). Unknown keys are errors, as everywhere here."""

    name, keys, how = "letters", ("from", "subject_prefix"), "`from:` (and `subject_prefix:`)"

    def value_problems(self, value: Mapping[Any, Any]) -> list[str]:
        problems = []
        sender = value.get("from")
        if sender is not None and (not isinstance(sender, str) or not sender_address(sender)):
            problems.append(
                f"letters.from: {_shown(sender)} is not an e-mail address; write the address letters "
                'come from, e.g. "Agency status <status@agency.example>"'
            )
        prefix = value.get("subject_prefix")
        if prefix is not None and (not isinstance(prefix, str) or not prefix.strip()):
            problems.append(
                f"letters.subject_prefix: {_shown(prefix)} is not a text; write the words every "
                "subject starts with, e.g. ACME status, or leave it out"
            )
        return problems


class Answers(SettingsGroup):
    """`answers: {address: answers@agency.example, trusted_servers: [mx.agency.example]}`: where
    the clients' answers go and whose Authentication-Results `milepost inbox` believes
    (docs/answers.md)."""

    name, keys = "answers", ("address", "trusted_servers", "working_hours")
    how = "`address:` (and `trusted_servers:`, `working_hours:`)"

    def value_problems(self, value: Mapping[Any, Any]) -> list[str]:
        problems = []
        address = value.get("address")
        if address is not None and (not isinstance(address, str) or sender_address(address) != address.strip()):
            problems.append(
                f"answers.address: {_shown(address)} is not an e-mail address; write the bare address the "
                "clients' answers go to, e.g. answers@agency.example"
            )
        servers = value.get("trusted_servers")
        if servers is not None and (
            not isinstance(servers, list) or not all(isinstance(s, str) and s.strip() for s in servers)
        ):
            problems.append(
                f"answers.trusted_servers: {_shown(servers)} is not a list of names; write the names your "
                "mail servers give in Authentication-Results, e.g. [mx.agency.example]"
            )
        try:
            working_hours(value.get("working_hours"))
        except ValueError as err:
            problems.append(f"answers.working_hours: {err}")
        return problems


def sender_address(value: str) -> str:
    """The bare address of `Name <address>` or `address`; "" when it is not one."""
    from email.utils import parseaddr

    _name, address = parseaddr(value)
    local, _, domain = address.rpartition("@")
    if not local or "." not in domain or any(ch.isspace() for ch in address):
        return ""
    return address


class MilepostConfig(Config):
    """The settings under `extra.milepost` (docs/building.md lists them)."""

    # Where clients and projects are described (one folder per client).
    projects_dir = Text(what="a folder", fix=_folder(DEFAULT_PROJECTS_DIR), default=DEFAULT_PROJECTS_DIR)
    # History and rendered pages are cached here; '' (or null, false): no cache.
    cache_dir = CacheFolder(default=DEFAULT_CACHE_DIR)
    # In the team preview, each client's pages appear under this folder.
    preview_dir = Text(
        what="a folder", fix=_folder(DEFAULT_PREVIEW_DIR, "of the preview"), default=DEFAULT_PREVIEW_DIR
    )
    # Days without work the client can see before a started milestone is at risk.
    inactive_days = Days(default=DEFAULT_INACTIVE_DAYS)
    # Where the promise ledger reads the project files' history (default: the repository of projects/).
    ledger_repo = c.Optional(Text(what="a folder", fix=_folder("history") + " (a git repository), or leave it out"))
    # The agency's name: signs the letters and, without `letters.subject_prefix`, starts their subjects.
    agency = Text(what="a name", fix="write the agency's name, e.g. Example Agency", default="")
    # `milepost letters`: the From: address and the words every subject starts with.
    letters = Letters()
    # `milepost inbox` and the answer links: the answering address and the trusted mail servers.
    answers = Answers()
    # Set by `milepost build` / `milepost serve --client`: build only this client's site.
    client = Text(what="a client's slug", fix="write the name of a client's folder in projects/", default="")
    # Build as if today were this day (what `--today` hands each build); without it,
    # MILEPOST_TODAY or the real date.
    today = c.Optional(Day())
    # Set by `milepost build` only, in the process: the portal it loaded and checked.
    _loaded_portal = c.Optional(c.Type(LoadResult))


SETTINGS = tuple(name for name, _ in MilepostConfig._schema if not name.startswith("_"))


def milepost_config(extra: Mapping[str, Any]) -> MilepostConfig:
    """`extra.milepost` of mkdocs.yml, checked. Raises `SettingsError` with one line per
    problem, each naming the setting and the fix."""
    raw = extra.get("milepost")
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise SettingsError(
            f"{SECTION}: {_shown(raw)} is not a list of settings; write them indented under "
            f"`milepost:`, one `name: value` a line ({', '.join(SETTINGS)})"
        )
    config = MilepostConfig()
    config.load_dict(dict(raw))
    # Each setting on its own: MkDocs' `Config.validate` stops at the first that fails, and an
    # agency should see every wrong setting in one run. (MkDocs' only warning, an unknown key,
    # is an error here, below.)
    problems = []
    for key, option in config._schema:
        try:
            option.pre_validation(config, key_name=key)
            config[key] = option.validate(config.get(key))
            option.post_validation(config, key_name=key)
        except ValidationError as error:
            problems.append(f"{SECTION}.{key}: {error}")
    known = {name for name, _ in MilepostConfig._schema}
    for key in sorted(str(k) for k in raw if k not in known):
        problems.append(f"{SECTION}.{key}: unknown setting; {_suggestion(key)}")
    if problems:
        raise SettingsError("\n".join(problems))
    return config


def _suggestion(key: str) -> str:
    close = difflib.get_close_matches(key, SETTINGS, n=1, cutoff=0.6)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"the settings are {', '.join(SETTINGS)} (docs/building.md)"


def settings_from_extra(config_file: str | Path, extra: Mapping[str, Any]) -> BuildSettings:
    """The build's settings from mkdocs.yml's `extra` (paths relative to the folder of mkdocs.yml)."""
    return build_settings(config_file, milepost_config(extra))


def portal_settings(config_file: Path, config: MkDocsConfig | None = None) -> BuildSettings:
    """The portal's settings: its mkdocs.yml (`config_file`) read and checked by MkDocs, then
    its `extra.milepost` checked. The one way to read them; raises `SettingsError` naming the
    file and the fix (a missing file, a setting MkDocs or Milepost refuses). `config`: that
    file as `read_mkdocs_config` already read it, for a caller that needs more of it (its
    `site_url`), so it is not read twice."""
    if config is None:
        config = read_mkdocs_config(config_file)
    return settings_from_extra(str(config_file), config.extra)
