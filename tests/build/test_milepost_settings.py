"""`extra.milepost` in mkdocs.yml is checked like MkDocs checks its own settings: a typo or a
wrong type is an error naming the setting and the fix, said once by every command (and by plain
`mkdocs build`), with no traceback. The Config class on its own is in
tests/unit/test_milepost_config.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factories import make_portal
from milepost.load.settings import DEFAULT_INACTIVE_DAYS

TYPO = "extra.milepost.inactve_days: unknown setting; did you mean 'inactive_days'?"


def run(cwd: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MILEPOST_TODAY": "2026-11-24"}
    return subprocess.run(
        [sys.executable, "-m", *command], cwd=cwd, capture_output=True, text=True, env=env, timeout=120
    )


def portal_with(tmp_path: Path, old: str, new: str) -> Path:
    config = make_portal(tmp_path, {})
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")
    return config


COMMANDS = {
    "milepost check": ("milepost.cli", "check"),
    "milepost build": ("milepost.cli", "build"),
    "mkdocs build": ("mkdocs", "build", "--site-dir", "built"),
}


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
def test_a_misspelt_setting_is_an_error_with_a_suggestion(tmp_path: Path, command: tuple[str, ...]) -> None:
    portal_with(tmp_path, "inactive_days: 14", "inactve_days: 14")
    done = run(tmp_path, *command)
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert output.count(TYPO) == 1, output
    assert "Traceback" not in output


def test_a_wrong_type_names_the_setting_and_the_fix(tmp_path: Path) -> None:
    portal_with(tmp_path, "inactive_days: 14", "inactive_days: two weeks")
    done = run(tmp_path, "milepost.cli", "check")
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "milepost: extra.milepost.inactive_days: 'two weeks' is not a number of days; "
        f"use a whole number of 1 or more, e.g. {DEFAULT_INACTIVE_DAYS}"
    )
    assert "Traceback" not in done.stdout + done.stderr
