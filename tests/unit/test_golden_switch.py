"""The golden tests' update switch: one helper reads it, and CI refuses it.

`MILEPOST_UPDATE_GOLDEN=1` makes every golden test rewrite its files and pass; leaked into CI,
it would turn them into no tests at all. So under `CI=true` the switch fails each golden test
loudly, and writes nothing.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, TESTS, UPDATE_GOLDEN_VARIABLE, matches_golden, updating_golden


@pytest.mark.parametrize(
    ("environ", "updating"),
    [
        ({}, False),
        ({UPDATE_GOLDEN_VARIABLE: "1"}, True),
        ({UPDATE_GOLDEN_VARIABLE: "0", "CI": "true"}, False),
        ({UPDATE_GOLDEN_VARIABLE: "1", "CI": "false"}, True),
        ({"CI": "true"}, False),
    ],
)
def test_the_switch_is_on_only_when_set_outside_ci(environ: dict[str, str], updating: bool) -> None:
    assert updating_golden(environ) is updating


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_the_switch_fails_in_ci(ci: str) -> None:
    with pytest.raises(pytest.fail.Exception, match=f"{UPDATE_GOLDEN_VARIABLE}=1 with CI={ci}"):
        updating_golden({UPDATE_GOLDEN_VARIABLE: "1", "CI": ci})


def test_a_golden_file_is_not_rewritten_in_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    golden = tmp_path / "expected.txt"
    golden.write_text("as it was\n", encoding="utf-8")
    assert not matches_golden(golden, "something else\n")
    monkeypatch.setenv(UPDATE_GOLDEN_VARIABLE, "1")
    monkeypatch.delenv("CI", raising=False)
    assert matches_golden(golden, "rewritten\n") and golden.read_text(encoding="utf-8") == "rewritten\n"
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception):
        matches_golden(golden, "something else\n")
    assert golden.read_text(encoding="utf-8") == "rewritten\n"


def test_only_the_helper_reads_the_switch() -> None:
    """Every golden test goes through `matches_golden`/`updating_golden` (docstrings may name
    the variable; code may not)."""
    readers = []
    for path in sorted(TESTS.rglob("*.py")):
        if path.name == "helpers.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
                and UPDATE_GOLDEN_VARIABLE in node.value
                and path.name != Path(__file__).name
            ):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert readers == []


def test_a_golden_test_run_in_update_mode_under_ci_fails_and_writes_nothing() -> None:
    """A real pytest run of a golden test, as CI would run it with the variable leaked."""
    case = sorted(p for p in (TESTS / "golden" / "validation").iterdir() if p.is_dir())[0]
    expected = case / "expected.txt"
    before = expected.read_bytes()
    env = {**os.environ, UPDATE_GOLDEN_VARIABLE: "1", "CI": "true"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n0", "-q", "-p", "no:cacheprovider",
         f"tests/golden/test_validation.py::test_golden_case[{case.name}]"],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=300,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{UPDATE_GOLDEN_VARIABLE}=1 with CI=true" in result.stdout
    assert expected.read_bytes() == before
