"""Every command, given a broken portal set-up, says what is wrong in one message: no
traceback, no message printed three times, a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from factories import make_portal

COMMANDS = (["check"], ["build"], ["clients", "--json"], ["serve", "--dev-addr", "127.0.0.1:0"])


def milepost(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # A real process: MkDocs' own error path ends in SystemExit, which must not escape.
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "MILEPOST_TODAY": "2026-11-24"}
    return subprocess.run(
        [sys.executable, "-m", "milepost.cli", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=60
    )


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_no_mkdocs_yml(tmp_path: Path, command: list[str]) -> None:
    done = milepost(tmp_path, *command)
    assert done.returncode != 0
    assert "mkdocs.yml: not found" in done.stderr and "--config-file" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_a_broken_mkdocs_yml_is_named_once(tmp_path: Path, command: list[str]) -> None:
    config = make_portal(tmp_path, {})
    config.write_text(config.read_text(encoding="utf-8") + "watch: [no-such-folder]\n", encoding="utf-8")
    done = milepost(tmp_path, *command)
    assert done.returncode != 0
    output = done.stderr + done.stdout
    assert "Traceback" not in output
    assert output.count("no-such-folder") == 1, output
    assert "mkdocs.yml" in output and "Fix mkdocs.yml" in output


def test_build_with_a_missing_config_file_option(tmp_path: Path) -> None:
    done = milepost(tmp_path, "build", "--config-file", str(tmp_path / "elsewhere.yml"))
    assert done.returncode == 1
    assert "elsewhere.yml: not found" in done.stderr
    assert "Traceback" not in done.stderr
