"""`extra.milepost` in mkdocs.yml read by its Config class on its own: defaults, every setting,
and problems that name the setting and the fix. What every command says about them:
tests/build/test_milepost_settings.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from milepost.errors import SettingsError
from milepost.load.settings import DEFAULT_INACTIVE_DAYS
from milepost.mkdocs.config_file import read_mkdocs_config
from milepost.mkdocs.extra_config import LOADED_PORTAL, SETTINGS, milepost_config, portal_settings, settings_from_extra
from milepost.portal import LoadResult


def settings(tmp_path: Path, **options: object):
    return settings_from_extra(str(tmp_path / "mkdocs.yml"), {"milepost": options})


def problem(tmp_path: Path, **options: object) -> str:
    with pytest.raises(SettingsError) as caught:
        settings(tmp_path, **options)
    return str(caught.value)


def test_defaults(tmp_path: Path) -> None:
    plain = settings_from_extra(str(tmp_path / "mkdocs.yml"), {})
    assert plain.projects_dir == tmp_path / "projects"
    assert plain.cache_dir == tmp_path / ".cache" / "milepost"
    assert (plain.preview_dir, plain.client, plain.ledger_repo) == ("clients", "", None)
    assert plain.inactive_days == DEFAULT_INACTIVE_DAYS


def test_every_setting_is_read(tmp_path: Path) -> None:
    read = settings(
        tmp_path,
        projects_dir="portal/projects",
        cache_dir="tmp/cache",
        preview_dir="/preview/",
        inactive_days=30,
        ledger_repo="history",
        client="acme",
        today=dt.date(2026, 11, 24),
    )
    assert read.projects_dir == tmp_path / "portal" / "projects"
    assert read.cache_dir == tmp_path / "tmp" / "cache"
    assert (read.preview_dir, read.inactive_days, read.client) == ("preview", 30, "acme")
    assert read.ledger_repo == tmp_path / "history"
    assert read.today == dt.date(2026, 11, 24)
    # What `milepost build` hands each client's build: the day as text.
    assert settings(tmp_path, today="2026-11-24").today == dt.date(2026, 11, 24)


@pytest.mark.parametrize("off", ["", None, False])
def test_the_cache_can_be_turned_off(tmp_path: Path, off: object) -> None:
    assert settings(tmp_path, cache_dir=off).cache_dir is None


def test_the_loaded_portal_is_handed_over(tmp_path: Path) -> None:
    loaded = LoadResult(portal=None)
    assert milepost_config({"milepost": {LOADED_PORTAL: loaded}})[LOADED_PORTAL] is loaded
    assert LOADED_PORTAL not in SETTINGS  # not offered as a suggestion


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"projects_dir": 3}, "extra.milepost.projects_dir: the number 3 is not a folder; write a folder name"),
        ({"projects_dir": None}, "extra.milepost.projects_dir: null is not a folder;"),
        ({"cache_dir": ["a"]}, "extra.milepost.cache_dir: a list is not a folder; .* or '' for no cache"),
        ({"ledger_repo": 7}, "extra.milepost.ledger_repo: the number 7 is not a folder; .* or leave it out"),
        ({"today": "24.11.2026"}, "extra.milepost.today: '24.11.2026' is not a date; use YYYY-MM-DD"),
        ({"inactive_days": None}, "extra.milepost.inactive_days: null is not a number of days"),
        ({"cache_dirs": ""}, r"extra.milepost.cache_dirs: unknown setting; did you mean 'cache_dir'\?"),
        ({"colour": "red"}, "extra.milepost.colour: unknown setting; the settings are projects_dir, cache_dir"),
    ],
)
def test_problems_name_the_setting_and_the_fix(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(SettingsError, match=message):
        settings(tmp_path, **options)


def test_every_unknown_key_is_listed_one_a_line(tmp_path: Path) -> None:
    said = problem(tmp_path, inactve_days=3, ledger="x")
    assert said.splitlines() == [
        "extra.milepost.inactve_days: unknown setting; did you mean 'inactive_days'?",
        "extra.milepost.ledger: unknown setting; did you mean 'ledger_repo'?",
    ]


def test_every_wrong_setting_is_named_not_only_the_first(tmp_path: Path) -> None:
    said = problem(tmp_path, inactive_days="14", cache_dir=["a"])
    lines = said.splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("extra.milepost.cache_dir: ") and lines[1].startswith("extra.milepost.inactive_days: ")


def test_settings_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="extra.milepost: 'projects' is not a list of settings"):
        settings_from_extra(str(tmp_path / "mkdocs.yml"), {"milepost": "projects"})


def test_portal_settings_read_mkdocs_yml_then_extra_milepost(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Portal\nsite_url: https://status.example/\nextra:\n  milepost:\n    projects_dir: clients-data\n"
    )
    read = portal_settings(tmp_path / "mkdocs.yml")
    assert read.root == tmp_path
    assert read.projects_dir == tmp_path / "clients-data"
    config = read_mkdocs_config(tmp_path / "mkdocs.yml")
    assert portal_settings(tmp_path / "mkdocs.yml", config) == read


def test_portal_settings_name_the_missing_file_and_the_wrong_setting(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"mkdocs\.yml: not found; run milepost in the portal's folder"):
        portal_settings(tmp_path / "mkdocs.yml")
    (tmp_path / "docs").mkdir()
    (tmp_path / "mkdocs.yml").write_text("site_name: Portal\nextra:\n  milepost:\n    inactive_days: many\n")
    with pytest.raises(SettingsError, match="inactive_days"):
        portal_settings(tmp_path / "mkdocs.yml")


def test_the_answers_settings(tmp_path: Path) -> None:
    read = settings(tmp_path, answers={"address": "answers@agency.example", "trusted_servers": ["MX.Agency.example"]})
    assert (read.answers_address, read.answers_trusted_servers) == ("answers@agency.example", ("mx.agency.example",))
    assert settings(tmp_path).answers_address == ""
    said = problem(tmp_path, answers={"adress": "a@b.example"})
    assert "answers.adress: unknown setting; did you mean 'address'?" in said
    assert "answers.address: 'Agency <a@b.example>' is not an e-mail address" in problem(
        tmp_path, answers={"address": "Agency <a@b.example>"}
    )
    assert "answers.trusted_servers: 'mx.agency.example' is not a list of names" in problem(
        tmp_path, answers={"trusted_servers": "mx.agency.example"}
    )
