"""The README promises commands and options: each one must exist."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
BUILDING = (ROOT / "docs" / "building.md").read_text(encoding="utf-8")


def documented_options() -> list[tuple[str, str]]:
    """(subcommand, --option) for every `milepost <sub> ... --opt` written in the docs."""
    found = set()
    for text in (README, BUILDING):
        for command in re.findall(r"`(milepost [^`]+)`", text):
            words = command.split()
            sub = words[1]
            for word in words[2:]:
                if word.startswith("--"):
                    found.add((sub, word))
            found.add((sub, ""))
        # Options mentioned in a table row about a subcommand: "(`--client SLUG` for one, ...)".
        for line in text.splitlines():
            match = re.match(r"\| `milepost (\w+)", line)
            if match:
                for option in re.findall(r"`(--[a-z-]+)", line):
                    found.add((match.group(1), option))
    return sorted(found)


def help_text(sub: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "milepost.cli", sub, "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize(("sub", "option"), documented_options(), ids=lambda v: v or "-")
def test_documented_option_exists(sub: str, option: str) -> None:
    assert option in help_text(sub)


def test_the_docs_mention_some_options() -> None:
    # Guards the parser above: if it found nothing, the test above would pass vacuously.
    options = documented_options()
    assert ("build", "--today") in options and ("build", "--keep-going") in options
    assert ("serve", "--client") in options and ("check", "--config-file") in options


def test_every_make_target_in_the_readme_exists() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-z-]+):", makefile, flags=re.MULTILINE))
    for target in re.findall(r"`make ([a-z-]+)`", README):
        assert target in targets, target


def test_readme_opens_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def readme_shell_lines() -> list[str]:
    """The command lines of the README's `sh` blocks, without their comments."""
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL):
        for line in block.splitlines():
            command = line.split("  #", 1)[0].strip()
            if command:
                lines.append(command)
    return lines


def test_the_readme_says_how_to_run_milepost_after_make_demo_and_it_works(tmp_path) -> None:
    lines = readme_shell_lines()
    start = lines.index(".venv/bin/milepost check --today 2026-11-24")
    run_after_demo = lines[start : start + 3]
    assert run_after_demo[1] == ". .venv/bin/activate"
    assert (ROOT / ".venv" / "bin" / "milepost").is_file(), "make .venv/.installed-test installs it"
    # One shell, as a reader would type them: the first line, then activate, then plain `milepost`.
    script = " && ".join(run_after_demo)
    result = subprocess.run(
        ["sh", "-c", script], capture_output=True, text=True, cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "projects/: no problems found." in result.stderr
    assert "acme-retail: site/acme-retail/\n" in result.stdout
    assert "has problems" not in result.stdout
